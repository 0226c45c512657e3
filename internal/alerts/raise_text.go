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

// Sharing is the line of an alert's body that says how far it may be shared, from its
// TLP marking: "Sharing: this is marked TLP:AMBER: ...". It is empty for an unmarked
// alert. Every flow words it the same way, so that a repeat that raises the marking
// rewrites it to match.
func Sharing(t vigil.TLP) string {
	if t == "" {
		return ""
	}
	return "Sharing: this is marked TLP:" + string(t) + ": " + TLPAdvice(t) + "."
}

// TLPAdvice says in plain words how far a TLP marking lets an alert be shared.
func TLPAdvice(t vigil.TLP) string {
	switch t {
	case vigil.TLPClear:
		return "it may be shared freely"
	case vigil.TLPGreen:
		return "it may be shared within the health and care community, but not publicly"
	case vigil.TLPAmberStrict:
		return "share it only within your organisation, with those who need it to act"
	case vigil.TLPRed:
		return "it is for its named recipients alone (your organisation's administrators and named contacts); " +
			"do not share it, not even within your organisation"
	}
	return "share it only within your organisation and with those who need it to act, such as your IT supplier"
}
