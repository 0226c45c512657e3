package pages

import (
	"encoding/csv"
	"net/http"
	"time"
)

// csvDownload starts a CSV download named name with the header row.
func csvDownload(w http.ResponseWriter, name string, header ...string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	return cw
}

// csvTime is t in RFC 3339, UTC; empty for the zero time.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// csvSafe stops a spreadsheet from running a cell as a formula: text that feeds control
// (an indicator's name, an organisation's) could otherwise start with = or +.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
