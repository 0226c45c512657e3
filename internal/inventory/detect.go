package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// jsonProbe holds the top-level keys that tell JSON inventories apart.
type jsonProbe struct {
	BOMFormat       string          `json:"bomFormat"`
	SPDXVersion     string          `json:"spdxVersion"`
	Context         json.RawMessage `json:"@context"`
	LockfileVersion json.RawMessage `json:"lockfileVersion"`
	Packages        json.RawMessage `json:"packages"`
	Dependencies    json.RawMessage `json:"dependencies"`
	Name            string          `json:"name"`
	HostIdentifier  json.RawMessage `json:"hostIdentifier"`
	Columns         json.RawMessage `json:"columns"`
	Snapshot        json.RawMessage `json:"snapshot"`
	DiffResults     json.RawMessage `json:"diffResults"`
}

// detectJSON tells a JSON inventory's format from its first value's keys: an array is
// osqueryi --json output, an object with "name" and "columns" or "snapshot" an osqueryd
// result log line (the file holds one per line).
func detectJSON(base string, data []byte) (string, error) {
	if data[0] == '[' {
		return FormatOsquery, nil
	}
	var p jsonProbe
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&p); err != nil {
		return "", jsonError(data, err)
	}
	switch {
	case strings.EqualFold(p.BOMFormat, "CycloneDX"):
		return FormatCycloneDX, nil
	case p.SPDXVersion != "":
		return FormatSPDX, nil
	case bytes.Contains(p.Context, []byte("spdx")):
		return "", errSPDX3
	case p.LockfileVersion != nil || base == "package-lock.json" || base == "npm-shrinkwrap.json":
		return FormatPackageLock, nil
	case p.Columns != nil || p.Snapshot != nil || p.DiffResults != nil || p.HostIdentifier != nil:
		return FormatOsquery, nil
	}
	return "", fmt.Errorf("JSON that is not CycloneDX (no \"bomFormat\"), SPDX 2 (no \"spdxVersion\"), a package-lock.json (no \"lockfileVersion\") nor osquery results")
}

var (
	requirementRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-]*(\[[^\]]*\])?\s*(===?|~=|>=|<=|!=|<|>|@)`)
	headerSplitRe = regexp.MustCompile(`\s*[,;\t]\s*`)
)

// looksLikeRequirement says whether a line reads like a pip requirement or option.
func looksLikeRequirement(line []byte) bool {
	return requirementRe.Match(line) || bytes.HasPrefix(line, []byte("-r ")) || bytes.HasPrefix(line, []byte("--"))
}

// isProductHeader says whether a line is the product CSV's header.
func isProductHeader(line []byte) bool {
	cols := headerSplitRe.Split(strings.ToLower(strings.TrimSpace(string(line))), -1)
	has := map[string]bool{}
	for _, c := range cols {
		has[strings.Trim(c, `"`)] = true
	}
	return has["product"] && has["version"]
}
