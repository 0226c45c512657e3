package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// detectJSON tells a JSON inventory's format from its first value's top-level keys: an
// array is osqueryi --json output, an object with "columns", "snapshot" or "diffResults"
// an osqueryd result log line (the file holds one per line). The keys are found by
// skipping over the values rather than decoding them, so telling the format costs
// little next to reading it; the format's own reader then checks the JSON.
func detectJSON(base string, data []byte) (string, error) {
	if data[0] == '[' {
		return FormatOsquery, nil
	}
	keys := topLevelKeys(data)
	has := func(key string) bool { _, ok := keys[key]; return ok }
	switch {
	case strings.EqualFold(jsonText(keys["bomFormat"]), "CycloneDX"):
		return FormatCycloneDX, nil
	case has("spdxVersion"):
		return FormatSPDX, nil
	case has("@context") && bytes.Contains(keys["@context"], []byte("spdx")):
		return "", errSPDX3
	case has("lockfileVersion") || base == "package-lock.json" || base == "npm-shrinkwrap.json":
		return FormatPackageLock, nil
	case has("columns") || has("snapshot") || has("diffResults") || has("hostIdentifier"):
		return FormatOsquery, nil
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(new(json.RawMessage)); err != nil {
		return "", jsonError(data, err)
	}
	return "", fmt.Errorf("JSON that is not CycloneDX (no \"bomFormat\"), SPDX 2 (no \"spdxVersion\"), a package-lock.json (no \"lockfileVersion\") nor osquery results")
}

// jsonText is a raw JSON string's text without its quotes ("" for anything else).
func jsonText(raw []byte) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// topLevelKeys maps each key of the JSON object data starts with to its raw value,
// stopping at the object's end or at the first thing that is not JSON.
func topLevelKeys(data []byte) map[string][]byte {
	keys := map[string][]byte{}
	i := skipSpace(data, 1) // past '{'
	for i < len(data) && data[i] == '"' {
		end := skipString(data, i)
		key := jsonText(data[i:end])
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			break
		}
		start := skipSpace(data, i+1)
		i = skipValue(data, start)
		keys[key] = data[start:i]
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != ',' {
			break
		}
		i = skipSpace(data, i+1)
	}
	return keys
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i] ('"').
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the index after the value starting at data[i], counting brackets
// outside strings.
func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch c := data[i]; {
		case c == '"':
			i = skipString(data, i)
			if depth == 0 {
				return i
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t'):
			return i
		}
		i++
	}
	return i
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
