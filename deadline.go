package vigil

import (
	"strconv"
	"strings"
	"time"
)

// Deadline is how long an organisation has to act on an alert of one severity, counted
// from when the alert is raised. A zero part sets no deadline of that kind.
type Deadline struct {
	// Acknowledge is how long the organisation has to acknowledge the alert (someone has
	// looked at it and is dealing with it).
	Acknowledge time.Duration
	// Remediate is how long it has to resolve it, saying what was done.
	Remediate time.Duration
}

// Deadlines are the deadlines of each severity; a severity missing from the map has none.
type Deadlines map[Severity]Deadline

// The default deadlines: the NHS standard for high-severity cyber alerts asks for an
// acknowledgement within 48 hours; remediation is expected within 14 days.
const (
	DefaultAcknowledgeWithin = 48 * time.Hour      // DefaultAcknowledgeWithin is for high and critical alerts.
	DefaultRemediateWithin   = 14 * 24 * time.Hour // DefaultRemediateWithin is for high and critical alerts.
	// MaxDeadline is the longest deadline a setting may give: beyond a year a deadline
	// chases nobody.
	MaxDeadline = 366 * 24 * time.Hour
	// MinDeadline is the shortest: the escalation runs once a minute.
	MinDeadline = time.Minute
)

// DefaultDeadlines are the deadlines with no settings: acknowledge within 48 hours and
// remediate within 14 days for high and critical alerts; none for medium and low.
func DefaultDeadlines() Deadlines {
	d := Deadline{Acknowledge: DefaultAcknowledgeWithin, Remediate: DefaultRemediateWithin}
	return Deadlines{SeverityCritical: d, SeverityHigh: d}
}

// Severities lists the severities, most urgent first.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// Check says what is wrong with the deadlines, naming the setting to change: a severity
// that is not one, a deadline outside MinDeadline..MaxDeadline, or an acknowledgement
// due after the remediation it comes before.
func (ds Deadlines) Check() error {
	for _, sev := range sortedSeverities(ds) {
		d := ds[sev]
		if sev.Rank() == 0 {
			return Errorf(EINVALID, "deadlines: %q is not a severity: use low, medium, high or critical", sev)
		}
		for _, part := range []struct {
			name string
			d    time.Duration
		}{{"acknowledge", d.Acknowledge}, {"remediate", d.Remediate}} {
			if part.d != 0 && (part.d < MinDeadline || part.d > MaxDeadline) {
				return Errorf(EINVALID, "deadlines: %s.%s is %s: give between 1m and 366d, or \"none\"", sev, part.name, FormatDeadline(part.d))
			}
		}
		if d.Acknowledge != 0 && d.Remediate != 0 && d.Acknowledge > d.Remediate {
			return Errorf(EINVALID, "deadlines: %s.acknowledge (%s) is later than %s.remediate (%s): an alert is acknowledged before it is remediated",
				sev, FormatDeadline(d.Acknowledge), sev, FormatDeadline(d.Remediate))
		}
	}
	return nil
}

// sortedSeverities are the keys of ds, known severities most urgent first, then any others.
func sortedSeverities(ds Deadlines) []Severity {
	var out []Severity
	for _, sev := range Severities {
		if _, ok := ds[sev]; ok {
			out = append(out, sev)
		}
	}
	for sev := range ds {
		if sev.Rank() == 0 {
			out = append(out, sev)
		}
	}
	return out
}

// Due is when an alert of severity sev raised at from must be acknowledged and
// remediated by; zero where its severity has no such deadline.
func (ds Deadlines) Due(sev Severity, from time.Time) (ack, fix time.Time) {
	d := ds[sev]
	from = from.UTC().Truncate(time.Microsecond)
	if d.Acknowledge > 0 {
		ack = from.Add(d.Acknowledge)
	}
	if d.Remediate > 0 {
		fix = from.Add(d.Remediate)
	}
	return ack, fix
}

// ParseDeadline reads a deadline as an operator writes it in the settings: a Go duration
// ("48h", "90m"), whole days ("14d"), days and more ("1d12h"), or "none" (also "0") for
// no deadline, which returns 0.
func ParseDeadline(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "none" || s == "0" {
		return 0, nil
	}
	bad := Errorf(EINVALID, "deadline %q is not understood: write it like \"48h\", \"14d\" or \"none\"", s)
	if s == "" {
		return 0, bad
	}
	rest, days := s, 0
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || strings.ContainsAny(s[:i], "+-") {
			return 0, bad
		}
		days, rest = n, s[i+1:]
	}
	if days > 366 {
		return 0, Errorf(EINVALID, "deadline %s is longer than 366d: give between 1m and 366d, or \"none\"", s)
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || d < 0 || strings.HasPrefix(rest, "+") {
			return 0, bad
		}
	}
	if d <= MaxDeadline { // else adding the days could overflow
		d += time.Duration(days) * 24 * time.Hour
	}
	if d < MinDeadline || d > MaxDeadline {
		return 0, Errorf(EINVALID, "deadline %s is out of range: give between 1m and 366d, or \"none\"", s)
	}
	return d, nil
}

// FormatDeadline writes a deadline as ParseDeadline reads it: "14d", "48h", "1d12h",
// "90m", or "none".
func FormatDeadline(d time.Duration) string {
	switch {
	case d == 0:
		return "none"
	case d < 0:
		return d.String()
	case d%(24*time.Hour) == 0 && d >= 7*24*time.Hour:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

// earliest is the earlier of two deadlines, where zero means none (so the other wins).
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// Overdue names a deadline an alert has missed.
type Overdue string

// The deadlines an alert can miss.
const (
	OverdueAcknowledge Overdue = "acknowledge" // still open after its acknowledge deadline
	OverdueRemediate   Overdue = "remediate"   // not resolved after its remediation deadline
)

// Valid reports whether o is one of the deadlines an alert can miss.
func (o Overdue) Valid() bool { return o == OverdueAcknowledge || o == OverdueRemediate }

// Overdue lists the deadlines the alert has missed and still not met. An alert counts
// as overdue once vigil's escalation has recorded the miss (AckEscalatedAt,
// FixOverdueAt), within a minute of the deadline, and stops when it is acknowledged
// (for the first) or resolved (for both), so that the board, the list filter and the
// figures agree.
func (a Alert) Overdue() []Overdue {
	var out []Overdue
	if a.IsOverdue(OverdueAcknowledge) {
		out = append(out, OverdueAcknowledge)
	}
	if a.IsOverdue(OverdueRemediate) {
		out = append(out, OverdueRemediate)
	}
	return out
}

// IsOverdue reports whether the alert has missed deadline o and not yet met it.
func (a Alert) IsOverdue(o Overdue) bool {
	switch o {
	case OverdueAcknowledge:
		return a.Status == AlertOpen && !a.AckEscalatedAt.IsZero()
	case OverdueRemediate:
		return a.Status != AlertResolved && !a.FixOverdueAt.IsZero()
	}
	return false
}

// AckMissed reports whether, at now, the alert is still open past its acknowledge
// deadline and has not been escalated yet: the escalation's rule, which the store's
// scan mirrors in SQL.
func (a Alert) AckMissed(now time.Time) bool {
	return a.Status == AlertOpen && !a.AckDueAt.IsZero() && !now.Before(a.AckDueAt) && a.AckEscalatedAt.IsZero()
}

// FixMissed reports whether, at now, the alert is unresolved past its remediation
// deadline and has not been marked overdue yet.
func (a Alert) FixMissed(now time.Time) bool {
	return a.Status != AlertResolved && !a.FixDueAt.IsZero() && !now.Before(a.FixDueAt) && a.FixOverdueAt.IsZero()
}

// AckTimes is how quickly the organisations acknowledged the alerts of one severity
// raised in a window: the sector figure of the analysts' overview. An alert resolved
// without being acknowledged first counts as acknowledged when it was resolved.
type AckTimes struct {
	// Severity is the alerts' severity.
	Severity Severity
	// Raised is how many alerts of that severity were raised in the window.
	Raised int
	// Acknowledged is how many of them have been acknowledged (or resolved) since.
	Acknowledged int
	// Median is the median time from raising to acknowledgement of those acknowledged
	// (nearest rank); zero when none was.
	Median time.Duration
	// P90 is the 90th percentile of the same times (nearest rank).
	P90 time.Duration
	// WithinDeadline is how many were acknowledged by their acknowledge deadline (those
	// with one).
	WithinDeadline int
	// AckOverdue is how many are still open now after their acknowledge deadline passed.
	AckOverdue int
	// FixOverdue is how many are unresolved now after their remediation deadline passed.
	FixOverdue int
}

// AckReport is the time-to-acknowledge figures of the alerts raised in a window.
type AckReport struct {
	// From and To bound the window: alerts raised at or after From and before To.
	From, To time.Time
	// Severities are the figures of each severity, most urgent first.
	Severities []AckTimes
}
