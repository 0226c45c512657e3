package alerts

import (
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The wording every flow uses in the alerts and messages it writes, kept here so that an
// organisation reads the same words whichever flow raised the alert.

// SeverityWord is the severity as a capitalised word for subjects and lists.
func SeverityWord(sev vigil.Severity) string {
	switch sev {
	case vigil.SeverityCritical:
		return "Critical"
	case vigil.SeverityHigh:
		return "High"
	case vigil.SeverityMedium:
		return "Medium"
	}
	return "Low"
}

// Shorten cuts s to at most n characters, marking the cut with an ellipsis.
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// When formats a time as people read it: "14 March 2025 at 10:02 UTC".
func When(t time.Time) string {
	return t.UTC().Format("2 January 2006 at 15:04 UTC")
}

// AndList joins names as a person would: "a", "a and b", "a, b and c"; none when empty.
func AndList(names []string, none string) string {
	switch len(names) {
	case 0:
		return none
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
