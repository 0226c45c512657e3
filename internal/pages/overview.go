package pages

import (
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/earlywarning"
	"github.com/vigil-health/vigil/internal/sightings"
)

// analystRoutes are the sector centre's pages beyond the alerts: organisations, their
// asset claims and overlaps, and the events nobody owned. The overview is "/" (home).
func (p *Pages) analystRoutes() []route {
	return append(p.orgRoutes(), p.eventRoutes()...)
}

// Overview figures: the board's window and its lists' lengths.
const (
	overviewTopDays = 7  // top sighted indicators over the last week
	overviewTop     = 10 // how many of them
)

// sectorHomeData is the analysts' board.
type sectorHomeData struct {
	// BySeverity and ByKind are the alerts raised per day.
	BySeverity, ByKind barChart
	// Unresolved are the alerts not resolved yet, by severity, most urgent first.
	Unresolved []unresolvedRow
	// OpenTotal and AckTotal add up Unresolved.
	OpenTotal, AckTotal int
	// Oldest are the open alerts that have waited longest.
	Oldest []waitingAlert
	// Feeds are the registered feeds with how their last pull went.
	Feeds []vigil.Feed
	// Top are the indicators sighted most over the last overviewTopDays days.
	Top     []sightings.SightedIndicator
	TopDays int
	// Unrouted counts the events waiting to be assigned; AtLeast says the count stopped
	// at earlywarning.MaxUnroutedCount.
	Unrouted int
	AtLeast  bool
	// Deadlines are the time-to-acknowledge figures of the alerts raised over the same
	// days, per severity, with how many are overdue now.
	Deadlines vigil.AckReport
	Now       time.Time
}

// unresolvedRow is the alerts of one severity not resolved yet.
type unresolvedRow struct {
	Severity           vigil.Severity
	Open, Acknowledged int
}

// waitingAlert is an open alert and how long it has waited.
type waitingAlert struct {
	vigil.Alert
	Waited string
}

// sectorHome is the analysts' board: alerts per day by severity and by kind, what is
// not resolved, what has waited longest, feed health, the most sighted indicators and
// the events waiting to be assigned. Each part comes from its use case, each of which
// checks that pr works for the sector centre.
func (p *Pages) sectorHome(w http.ResponseWriter, r *http.Request, pr vigil.Principal) {
	ctx := r.Context()
	o, err := p.app.Alerts.Overview(ctx, pr, alerts.DefaultOverviewDays)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := sectorHomeData{BySeverity: severityChart(o), ByKind: kindChart(o), Now: o.Now, TopDays: overviewTopDays}
	for _, sev := range alerts.OverviewSeverities {
		d.Unresolved = append(d.Unresolved, unresolvedRow{Severity: sev, Open: o.Open[sev], Acknowledged: o.Acknowledged[sev]})
		d.OpenTotal += o.Open[sev]
		d.AckTotal += o.Acknowledged[sev]
	}
	for _, a := range o.Oldest {
		d.Oldest = append(d.Oldest, waitingAlert{Alert: a, Waited: span(o.Now.Sub(a.CreatedAt))})
	}
	if d.Deadlines, err = p.app.Alerts.AckTimes(ctx, pr, o.Now.AddDate(0, 0, -alerts.DefaultOverviewDays), o.Now); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.fillFlows(r, pr, &d); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "home_sector.html", &view{Title: "Sector overview", Data: d})
}

// fillFlows adds the parts of the board that the live flows hold (feeds, sightings,
// Early Warning); a server built without them shows those parts empty.
func (p *Pages) fillFlows(r *http.Request, pr vigil.Principal, d *sectorHomeData) error {
	ctx := r.Context()
	var err error
	if p.app.ThreatIntel != nil {
		if d.Feeds, err = p.app.ThreatIntel.ListFeeds(ctx, pr, ""); err != nil {
			return err
		}
	}
	if p.app.Sightings != nil {
		if d.Top, err = p.app.Sightings.TopIndicators(ctx, pr, overviewTopDays, overviewTop); err != nil {
			return err
		}
	}
	if p.app.EarlyWarning != nil {
		if d.Unrouted, err = p.app.EarlyWarning.UnroutedWaiting(ctx, pr); err != nil {
			return err
		}
		d.AtLeast = d.Unrouted >= earlywarning.MaxUnroutedCount
	}
	return nil
}

// The charts' colours: the NHS.UK palette's, so that they read as the tags do.
var (
	severitySeries = map[vigil.Severity]series{
		vigil.SeverityLow: {"Low", "#768692"}, vigil.SeverityMedium: {"Medium", "#ffb81c"},
		vigil.SeverityHigh: {"High", "#ed8b00"}, vigil.SeverityCritical: {"Critical", "#d5281b"},
	}
	kindSeries = map[vigil.AlertKind]series{
		vigil.AlertEarlyWarning: {"Early warning", "#005eb8"}, vigil.AlertSighting: {"Seen in telemetry", "#330072"},
		vigil.AlertRetroHunt: {"Found looking back", "#007f3b"}, vigil.AlertVulnerability: {"Vulnerable software", "#7c2855"},
	}
)

// severityChart stacks each day's alerts by severity, the most urgent on top.
func severityChart(o alerts.Overview) barChart {
	order := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
	ss := make([]series, len(order))
	for i, sev := range order {
		ss[i] = severitySeries[sev]
	}
	rows, total := dayRows(o, func(d alerts.DayCount) []int {
		vs := make([]int, len(order))
		for i, sev := range order {
			vs[i] = d.BySeverity[sev]
		}
		return vs
	})
	return stackedBars("by-severity", "Alerts raised per day over the last "+plural(len(o.Days), "day")+", by severity",
		plural(total, "alert")+" raised in all.", ss, rows, 7)
}

// kindChart stacks each day's alerts by what raised them.
func kindChart(o alerts.Overview) barChart {
	ss := make([]series, len(vigil.AlertKinds))
	for i, k := range vigil.AlertKinds {
		ss[i] = kindSeries[k]
	}
	rows, total := dayRows(o, func(d alerts.DayCount) []int {
		vs := make([]int, len(vigil.AlertKinds))
		for i, k := range vigil.AlertKinds {
			vs[i] = d.ByKind[k]
		}
		return vs
	})
	return stackedBars("by-kind", "Alerts raised per day over the last "+plural(len(o.Days), "day")+", by what raised them",
		plural(total, "alert")+" raised in all.", ss, rows, 7)
}

// dayRows is one chart row per day of o, with values, and the window's total.
func dayRows(o alerts.Overview, values func(alerts.DayCount) []int) ([]chartRow, int) {
	rows := make([]chartRow, len(o.Days))
	total := 0
	for i, d := range o.Days {
		rows[i] = chartRow{Label: d.Day.Format("2 Jan"), Values: values(d), Total: d.Total}
		total += d.Total
	}
	return rows, total
}

// feedState says how a feed's last pull went, in a tag.
func feedState(f vigil.Feed) tag {
	switch {
	case f.Kind == vigil.FeedUpload:
		return tag{"Uploads only", "nhsuk-tag--grey"}
	case !f.Enabled:
		return tag{"Paused", "nhsuk-tag--grey"}
	case f.Status == vigil.FeedError:
		return tag{"Failing", "nhsuk-tag--red"}
	case f.Status == vigil.FeedOK:
		return tag{"Working", "nhsuk-tag--green"}
	}
	return tag{"Not pulled yet", "nhsuk-tag--yellow"}
}
