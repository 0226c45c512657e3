package vigil

import "time"

// BreachReportWindow is how long an organisation has to report a reportable personal-data
// breach, from when it became aware of it (UK GDPR article 33).
const BreachReportWindow = 72 * time.Hour

// The DSPT grid's likelihood that people's rights have been affected, 1–5.
var BreachLikelihoods = []string{
	1: "Not occurred",
	2: "Not likely, or any incident involving vulnerable groups even if no adverse effect occurred",
	3: "Likely",
	4: "Highly likely",
	5: "Occurred",
}

// The DSPT grid's severity of the adverse effect on people, 1–5.
var BreachSeverities = []string{
	1: "No adverse effect",
	2: "Potentially some minor adverse effect, or any incident involving vulnerable groups even if no adverse effect occurred",
	3: "Potentially some adverse effect",
	4: "Potentially pain and suffering or financial loss",
	5: "Death or catastrophic event",
}

// BreachAssessment is a personal-data breach assessed as the Data Security and
// Protection Toolkit's grid does it: how likely it is that people's rights were
// affected, times how severe the effect.
type BreachAssessment struct {
	// Likelihood is 1 (not occurred) to 5 (occurred).
	Likelihood int
	// Severity is 1 (no adverse effect) to 5 (death or catastrophic event).
	Severity int
	// Note says why, in the assessor's words.
	Note string
	// By is who assessed it.
	By string
	// At is when.
	At time.Time
	// ReportedAt is when the organisation or the centre recorded that the breach was
	// reported to the national service; zero until then. It meets the 72-hour deadline.
	ReportedAt time.Time
}

// CheckGrid checks that both scores are on the grid.
func (b BreachAssessment) CheckGrid() error {
	switch {
	case b.Likelihood < 1 || b.Likelihood > 5:
		return Errorf(EINVALID, "likelihood must be 1 (not occurred) to 5 (occurred), not %d", b.Likelihood)
	case b.Severity < 1 || b.Severity > 5:
		return Errorf(EINVALID, "severity must be 1 (no adverse effect) to 5 (death or catastrophic event), not %d", b.Severity)
	}
	return nil
}

// Reportable reports whether the grid says the breach must be reported to the
// Information Commissioner through the national reporting service: it is at least
// likely (3) that people's rights were affected, with at least a minor adverse effect (2).
func (b BreachAssessment) Reportable() bool { return b.Likelihood >= 3 && b.Severity >= 2 }

// NotifyDHSC reports whether the grid also asks for the Department of Health and
// Social Care to be told: reportable, with at least serious harm (4).
func (b BreachAssessment) NotifyDHSC() bool { return b.Reportable() && b.Severity >= 4 }

// Score is likelihood × severity, 1–25, as the grid's cells read.
func (b BreachAssessment) Score() int { return b.Likelihood * b.Severity }

// ReportDue is when a reportable breach noticed at noticed must be reported: 72 hours
// later; zero when it is not reportable.
func (b BreachAssessment) ReportDue(noticed time.Time) time.Time {
	if !b.Reportable() || noticed.IsZero() {
		return time.Time{}
	}
	return noticed.Add(BreachReportWindow)
}

// ReportOverdue reports whether incident i's breach is reportable, unreported and past
// its deadline at now.
func (i Incident) ReportOverdue(now time.Time) bool {
	return !i.ReportDueAt.IsZero() && now.After(i.ReportDueAt) && (i.Breach == nil || i.Breach.ReportedAt.IsZero())
}
