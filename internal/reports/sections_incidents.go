package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/disclosure"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/store"
)

// The columns of the incident tables: where each incident is now.
const (
	stillOpen = "Still open"
	closedNow = "Closed"
)

// incidentsSection is the incidents organisations reported in the period: by NCSC
// category for the whole sector, and by kind of organisation and by region,
// disclosure-controlled; with how many are closed and how many were personal-data
// breaches that had to be reported.
func incidentsSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	tallies, err := st.ReportIncidents(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	registered, err := orgsRegistered(ctx, st, per)
	if err != nil {
		return Section{}, err
	}
	cols := []string{stillOpen, closedNow}
	byCategory := newCounter(categoryNames(), cols)
	byOrgKind := newCounter(orgKindNames(), cols)
	byRegion := newCounter(regionsOf(registered), cols)
	reportable := 0
	for _, t := range tallies {
		col := stillOpen
		if t.Closed {
			col = closedNow
		}
		byCategory.add(categoryName(t.Category), col, t.Count)
		byOrgKind.add(orgKindName(t.OrgKind), col, t.Count)
		byRegion.add(regionName(t.Region), col, t.Count)
		if (vigil.BreachAssessment{Likelihood: t.Likelihood, Severity: t.Severity}).Reportable() {
			reportable += t.Count
		}
	}
	about := "Incidents organisations reported in the period (by when they were reported), with where each stands " +
		"now: closed, or still open (new, triaged, contained or recovered). Reportable breaches are those whose " +
		"breach assessment says they had to be reported to the Information Commissioner."
	breakdowns := []disclosure.Table{byCategory.table("Incidents by NCSC category", false),
		byOrgKind.table("Incidents by kind of organisation", true)}
	if len(byRegion.rows) >= 2 {
		breakdowns = append(breakdowns, byRegion.table("Incidents by region", true))
	} else {
		about += " " + oneRegion
	}
	tables, err := publishAll(breakdowns...)
	if err != nil {
		return Section{}, err
	}
	whole := tables[0]
	return Section{ID: "incidents", Title: "Incidents handled", About: about,
		Figures: []Figure{{Label: "Incidents reported", Value: whole.Total},
			shareFigure("Closed, and their share of those reported", whole.ColTotals[1], whole.Total),
			{Label: "Still open", Value: whole.ColTotals[0]},
			{Label: "Personal-data breaches reportable to the Information Commissioner", Value: exact(reportable)}},
		Tables: tables}, nil
}

// categoryNames is every NCSC category, most serious first, then "Not categorised".
func categoryNames() []string {
	var out []string
	for c := vigil.NCSCCategory(1); c.Valid(); c++ {
		out = append(out, categoryName(c))
	}
	return append(out, categoryName(0))
}

// categoryName is the category with its number, as analysts quote it ("5. Moderate
// incident"), or "Not categorised".
func categoryName(c vigil.NCSCCategory) string {
	if !c.Valid() {
		return c.Name()
	}
	return fmt.Sprintf("%d. %s", c, c.Name())
}

// postureSection is where organisations stand on each framework by their latest score,
// by kind of organisation, and how quickly Local Support Organisations answered the
// requests for help asked in the period.
func postureSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	tallies, err := st.ReportPosture(ctx, per.End())
	if err != nil {
		return Section{}, err
	}
	var breakdowns []disclosure.Table
	for _, fw := range frameworkIDs(tallies) {
		c := newCounter(orgKindNames(), statusNames())
		for _, t := range tallies {
			if t.Framework == fw {
				c.add(orgKindName(t.OrgKind), string(t.Status), t.Count)
			}
		}
		breakdowns = append(breakdowns, c.table("Organisations by standing on "+frameworkTitle(fw)+", by kind", true))
	}
	tables, err := publishAll(breakdowns...)
	if err != nil {
		return Section{}, err
	}
	var figures []Figure
	for i, fw := range frameworkIDs(tallies) {
		figures = append(figures, Figure{Label: "Organisations with a score on " + frameworkTitle(fw), Value: tables[i].Total})
	}
	support, err := supportFigures(ctx, st, per)
	if err != nil {
		return Section{}, err
	}
	return Section{ID: "posture", Title: "Posture",
		About: "Where organisations stand on each self-assessment framework by their latest score taken by the period's " +
			"end (standards met, approaching standards, or not met), each organisation counted once per framework; and " +
			"the requests for help organisations asked their Local Support Organisation in the period, with the median " +
			"and 90th percentile (nearest rank) of the time to the first reply, over those answered so far.",
		Figures: append(figures, support...), Tables: tables}, nil
}

// statusNames is the posture statuses, best first.
func statusNames() []string {
	return []string{string(vigil.StandardsMet), string(vigil.StandardsApproaching), string(vigil.StandardsNotMet)}
}

// frameworkIDs is the frameworks organisations have scores on: the shipped ones in
// their order, then any other by id.
func frameworkIDs(tallies []store.PostureTally) []string {
	var scored, out []string
	for _, t := range tallies {
		scored = append(scored, t.Framework)
	}
	for _, fw := range frameworks.All() {
		if slices.Contains(scored, fw.ID) {
			out = append(out, fw.ID)
		}
	}
	slices.Sort(scored)
	for _, id := range slices.Compact(scored) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// frameworkTitle is the framework's name as people say it, or its id if vigil no
// longer ships it.
func frameworkTitle(id string) string {
	if fw, err := frameworks.Get(id); err == nil {
		return fw.Title
	}
	return id
}

// supportFigures is how many requests for help were asked of Local Support
// Organisations in the period, how many have been answered, and how fast (whole
// minutes, whole-sector figures published exactly).
func supportFigures(ctx context.Context, st *store.Store, per Period) ([]Figure, error) {
	waits, err := st.SupportResponseTimes(ctx, per.First, per.End())
	if err != nil {
		return nil, err
	}
	return waitFigures(waits), nil
}

// waitFigures is the support figures for the waits for a first reply of the requests
// asked, -1 for one not answered yet.
func waitFigures(waits []time.Duration) []Figure {
	var answered []time.Duration
	for _, d := range waits {
		if d >= 0 { // -1 is not answered yet
			answered = append(answered, d)
		}
	}
	out := []Figure{{Label: "Requests for help asked of Local Support Organisations", Value: exact(len(waits))},
		{Label: "Requests for help answered", Value: exact(len(answered))}}
	if len(answered) == 0 {
		return out
	}
	slices.Sort(answered)
	return append(out,
		Figure{Label: "Median time to the first reply, in minutes", Value: exact(minutes(nearestRank(answered, 50)))},
		Figure{Label: "90th percentile time to the first reply, in minutes", Value: exact(minutes(nearestRank(answered, 90)))})
}

// nearestRank is the nearest-rank q-th percentile of sorted, which is not empty.
func nearestRank(sorted []time.Duration, q int) time.Duration {
	rank := (q*len(sorted) + 99) / 100 // ceil(q/100 × n), from 1
	return sorted[max(rank, 1)-1]
}

// minutes is d in whole minutes, rounded to the nearest.
func minutes(d time.Duration) int { return int(d.Round(time.Minute) / time.Minute) }
