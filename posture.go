package vigil

import (
	"strings"
	"time"
)

// Grade is the answer given for one item of a posture framework.
type Grade string

// The grades. A yes/no framework (the elevated-threat checklist, the DSPT standards)
// uses done, in progress, not done and not applicable; a CAF-aligned one grades each
// contributing outcome not achieved, partially achieved or achieved.
const (
	GradeNone          Grade = ""                   // not answered yet
	GradeNotDone       Grade = "not_done"           // not in place
	GradeInProgress    Grade = "in_progress"        // being put in place
	GradeDone          Grade = "done"               // in place
	GradeNotApplicable Grade = "not_applicable"     // does not apply to this organisation
	GradeNotAchieved   Grade = "not_achieved"       // CAF: the outcome is not achieved
	GradePartial       Grade = "partially_achieved" // CAF: the outcome is partially achieved
	GradeAchieved      Grade = "achieved"           // CAF: the outcome is achieved
)

// Scale is the set of grades a framework's items are answered with.
type Scale string

// The scales.
const (
	ScaleYesNo Scale = "yes_no" // not done, in progress, done, not applicable
	ScaleCAF   Scale = "caf"    // not achieved, partially achieved, achieved
)

// Grades lists the grades of the scale, worst first; empty for an unknown scale.
func (s Scale) Grades() []Grade {
	switch s {
	case ScaleYesNo:
		return []Grade{GradeNotDone, GradeInProgress, GradeDone, GradeNotApplicable}
	case ScaleCAF:
		return []Grade{GradeNotAchieved, GradePartial, GradeAchieved}
	}
	return nil
}

// Allows reports whether g is an answer on the scale (unanswered is always allowed).
func (s Scale) Allows(g Grade) bool {
	if g == GradeNone {
		return true
	}
	for _, k := range s.Grades() {
		if k == g {
			return true
		}
	}
	return false
}

// Points is what a grade counts towards a score: 1 for done or achieved, half for
// partially achieved, nothing otherwise.
func (g Grade) Points() float64 {
	switch g {
	case GradeDone, GradeAchieved:
		return 1
	case GradePartial:
		return 0.5
	}
	return 0
}

// Meets reports whether g reaches target: achieved meets anything, partially achieved
// meets a partial target, done meets done. An empty target is met by anything.
func (g Grade) Meets(target Grade) bool {
	if target == GradeNone {
		return true
	}
	return g.Points() >= target.Points() && g.Points() > 0
}

// Label is the grade as a person reads it.
func (g Grade) Label() string {
	switch g {
	case GradeNone:
		return "Not answered"
	case GradePartial:
		return "Partially achieved"
	}
	s := strings.ReplaceAll(string(g), "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// PostureStatus is an organisation's standing on a framework, in the DSPT's words.
type PostureStatus string

// The statuses.
const (
	StandardsMet         PostureStatus = "Standards met"         // every item the target names is met
	StandardsApproaching PostureStatus = "Approaching standards" // the rest have an owner and a review date to come
	StandardsNotMet      PostureStatus = "Standards not met"     // something the target names is neither met nor planned
)

// Fact is something vigil knows about an organisation that answers a framework item
// for it, so that nobody types what vigil can see.
type Fact string

// The facts vigil knows.
const (
	FactInventoryRecent       Fact = "inventory_recent"        // a software inventory uploaded in the last 90 days
	FactNoOverdueCritical     Fact = "no_overdue_critical"     // no critical alert past its deadline
	FactNoProductsOfConcern   Fact = "no_products_of_concern"  // no product of concern in the inventory, or a recorded review
	FactIncidentRouteKnown    Fact = "incident_route_known"    // a contact to report incidents to exists
	FactRestoreTestedRecently Fact = "restore_tested_recently" // a backup restore test within the last year
)

// Facts lists the facts in a stable order.
var Facts = []Fact{FactInventoryRecent, FactNoOverdueCritical, FactNoProductsOfConcern, FactIncidentRouteKnown, FactRestoreTestedRecently}

// Valid reports whether f is a known fact.
func (f Fact) Valid() bool {
	for _, k := range Facts {
		if f == k {
			return true
		}
	}
	return false
}

// Known is what vigil knows of one fact for one organisation.
type Known struct {
	// Fact is which fact.
	Fact Fact `json:"fact"`
	// State is "yes", "no" or "unknown" (vigil cannot tell yet).
	State string `json:"state"`
	// Detail says why, in a sentence.
	Detail string `json:"detail"`
}

// The states of a Known fact.
const (
	KnownYes     = "yes"
	KnownNo      = "no"
	KnownUnknown = "unknown"
)

// PostureAnswer is an organisation's answer to one framework item.
type PostureAnswer struct {
	// Org is the organisation's ODS code.
	Org string `json:"org"`
	// Framework is the framework's id.
	Framework string `json:"framework"`
	// Item is the item's id within the framework.
	Item string `json:"item"`
	// Grade is the answer.
	Grade Grade `json:"grade"`
	// Evidence is a note of what shows it (where the policy is, who checked, when).
	Evidence string `json:"evidence,omitempty"`
	// File is the evidence file kept for the item, if one was uploaded.
	File *EvidenceFile `json:"file,omitempty"`
	// Owner is who looks after the item.
	Owner string `json:"owner,omitempty"`
	// ReviewDate is when it is next looked at; zero for none. A reminder goes out once
	// when it passes.
	ReviewDate time.Time `json:"review_date,omitzero"`
	// UpdatedBy is who last changed it.
	UpdatedBy string `json:"updated_by,omitempty"`
	// UpdatedAt is when.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// PostureScore is an organisation's score on a framework at one time.
type PostureScore struct {
	// Framework is the framework's id.
	Framework string `json:"framework"`
	// Version is the framework's version scored.
	Version string `json:"version"`
	// Percent is the share of applicable items met, 0–100 (partial grades count half).
	Percent int `json:"percent"`
	// Status is the DSPT-style status.
	Status PostureStatus `json:"status"`
	// Met counts the items the target names that are met.
	Met int `json:"met"`
	// Planned counts those not met that have an owner and a review date to come.
	Planned int `json:"planned"`
	// Open counts those neither met nor planned.
	Open int `json:"open"`
	// At is when the score was taken.
	At time.Time `json:"at"`
}

// ParseDate reads a date written YYYY-MM-DD (empty is the zero time), naming field in
// the error.
func ParseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%s %q is not a date: write it as YYYY-MM-DD, for example 2026-03-31", field, s)
	}
	return t, nil
}
