package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/valyala/fastjson"
)

// detectJSON tells a JSON inventory's format from its first value's top-level keys: an
// array is osqueryi --json output, an object with "columns", "snapshot" or "diffResults"
// an osqueryd result log line (the file holds one per line). fastjson reads the keys
// without building Go values, so telling the format costs little next to reading it.
func detectJSON(base string, data []byte) (string, error) {
	if data[0] == '[' {
		return FormatOsquery, nil
	}
	var p fastjson.Parser
	v, err := p.ParseBytes(firstJSONValue(data))
	if err != nil {
		return "", jsonError(data, json.Unmarshal(data, new(any)))
	}
	has := func(key string) bool { return v.Exists(key) }
	switch {
	case strings.EqualFold(string(v.GetStringBytes("bomFormat")), "CycloneDX"):
		return FormatCycloneDX, nil
	case has("spdxVersion"):
		return FormatSPDX, nil
	case has("@context") && strings.Contains(v.Get("@context").String(), "spdx"):
		return "", errSPDX3
	case has("lockfileVersion") || base == "package-lock.json" || base == "npm-shrinkwrap.json":
		return FormatPackageLock, nil
	case has("columns") || has("snapshot") || has("diffResults") || has("hostIdentifier"):
		return FormatOsquery, nil
	}
	return "", fmt.Errorf("JSON that is not CycloneDX (no \"bomFormat\"), SPDX 2 (no \"spdxVersion\"), a package-lock.json (no \"lockfileVersion\") nor osquery results")
}

// firstJSONValue is the first line of an osqueryd log (one object a line), or all of
// any other JSON document.
func firstJSONValue(data []byte) []byte {
	line, rest, ok := bytes.Cut(data, []byte("\n"))
	if ok && len(bytes.TrimSpace(rest)) > 0 && bytes.HasPrefix(bytes.TrimSpace(rest), []byte("{")) && json.Valid(line) {
		return line
	}
	return data
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
