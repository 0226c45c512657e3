package exposure

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
)

// raising is the alert for exposure e: one per organisation and vulnerability found
// (the dedup key names the vulnerability's root ID and when it was found, so that a
// vulnerability back after a fix is a new alert), chased on the vulnerability deadline
// when it is high, critical or known to be exploited.
func (s *Service) raising(e vigil.Exposure) alerts.Raising {
	if isPolicy(e.Vuln) {
		return s.policyRaising(e)
	}
	a := vigil.Alert{Org: e.Org, Kind: vigil.AlertVulnerability, Severity: e.Severity, Observable: componentList(e),
		Indicator: e.Vuln, Sources: []string{"vulnerability advisories"}, TLP: vigil.TLPClear,
		DedupKey: "vulnerability|" + e.Vuln + "|" + strconv.FormatInt(e.FirstFound.Unix(), 10)}
	r := alerts.Worded(a, func(vigil.Alert) (string, string) { return Title(e), Body(e, s.deadline) })
	if e.KEV || e.Severity.Rank() >= vigil.SeverityHigh.Rank() {
		r.Due = s.deadline
	}
	return r
}

// Title is the alert's one line: "Critical vulnerability in log4j-core 2.14.1 (CVE-2021-44228)".
func Title(e vigil.Exposure) string {
	c := e.Components[0]
	what := c.Name + " " + c.Version
	if n := len(e.Components); n > 1 {
		what += fmt.Sprintf(" and %d more", n-1)
	}
	return alerts.Shorten(fmt.Sprintf("%s vulnerability in %s (%s)", alerts.SeverityWord(e.Severity), what, displayID(e)), 300)
}

// displayID is the name people know a vulnerability by: its CVE when it has one.
func displayID(e vigil.Exposure) string {
	for _, id := range append([]string{e.Vuln}, e.Aliases...) {
		if strings.HasPrefix(id, "CVE-") {
			return id
		}
	}
	return e.Vuln
}

// Body explains the alert in plain language for a care manager: what is affected, how
// serious it is, what to do and by when.
func Body(e vigil.Exposure, d vigil.Deadline) string {
	var b strings.Builder
	b.WriteString("Software your organisation runs has a published security weakness that attackers could use.\n\n")
	fmt.Fprintf(&b, "What is affected:\n")
	for _, c := range e.Components {
		fmt.Fprintf(&b, "- %s %s, listed in your inventory %q", c.Name, c.Version, c.Source)
		if c.Location != "" {
			fmt.Fprintf(&b, " (%s)", c.Location)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nWhat it is: %s\n", cmpOr(e.Summary, "see the advisory "+e.Vuln))
	fmt.Fprintf(&b, "Known as: %s\n", strings.Join(append([]string{e.Vuln}, e.Aliases...), ", "))
	b.WriteString("\nHow serious: " + seriousness(e) + "\n")
	b.WriteString("\nWhat to do:\n")
	for _, a := range e.Advice {
		b.WriteString("- " + capital(a) + ".\n")
	}
	b.WriteString("- If a supplier looks after this software for you, ask them to confirm it has been updated.\n")
	b.WriteString("- Then upload your updated inventory: vigil checks it again and closes this alert when the weakness is gone.\n")
	if e.KEV || e.Severity.Rank() >= vigil.SeverityHigh.Rank() {
		fmt.Fprintf(&b, "\nPlease acknowledge this alert within %s and fix it within %s.\n", words(d.Acknowledge), words(d.Remediate))
	}
	return b.String()
}

// seriousness says how serious the vulnerability is, in words.
func seriousness(e vigil.Exposure) string {
	s := strings.ToLower(alerts.SeverityWord(e.Severity))
	if e.Score > 0 {
		s += fmt.Sprintf(" (CVSS score %.1f out of 10)", e.Score)
	}
	s += "."
	if e.KEV {
		s += " Attackers are known to be using it (it is on CISA's list of known exploited vulnerabilities"
		if e.KEVDueDate != "" {
			s += ", which asks for a fix by " + e.KEVDueDate
		}
		s += ")."
	}
	if e.EPSS >= 0 {
		s += fmt.Sprintf(" The chance of it being exploited in the next 30 days is estimated at %.0f%% (EPSS).", e.EPSS*100)
	}
	return s
}

// componentList names the affected components on one line, for the alert's observable.
func componentList(e vigil.Exposure) string {
	var names []string
	for _, c := range e.Components {
		names = append(names, c.Name+" "+c.Version)
	}
	slices.Sort(names)
	return alerts.Shorten(strings.Join(slices.Compact(names), ", "), 500)
}

// words writes a deadline as people say it: "48 hours", "14 days".
func words(d interface{ Hours() float64 }) string {
	h := d.Hours()
	if h >= 48 && int(h)%24 == 0 && h > 48 {
		return fmt.Sprintf("%d days", int(h)/24)
	}
	if h == 1 {
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", int(h))
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
