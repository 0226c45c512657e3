package reports

import (
	"context"
	"slices"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/disclosure"
	"github.com/vigil-health/vigil/internal/store"
)

// alertsSection is the alerts sent in the period: by kind and severity for the whole
// sector, and by kind of organisation and by region, disclosure-controlled.
func alertsSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	tallies, err := st.ReportAlerts(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	registered, err := orgsRegistered(ctx, st, per)
	if err != nil {
		return Section{}, err
	}
	sevs := severityNames()
	byKind := newCounter(kindNames(), sevs)
	byOrgKind := newCounter(orgKindNames(), sevs)
	byRegion := newCounter(regionsOf(registered), sevs)
	for _, t := range tallies {
		byKind.add(kindName(t.Kind), string(t.Severity), t.Count)
		byOrgKind.add(orgKindName(t.OrgKind), string(t.Severity), t.Count)
		byRegion.add(regionName(t.Region), string(t.Severity), t.Count)
	}
	about := "Alerts raised for organisations in the period: early warnings about their own addresses and domains, " +
		"indicators seen in their telemetry, and indicators found looking back through what they saw earlier."
	breakdowns := []disclosure.Table{byKind.table("Alerts sent by kind and severity", false),
		byOrgKind.table("Alerts sent by kind of organisation and severity", true)}
	if len(byRegion.rows) >= 2 {
		breakdowns = append(breakdowns, byRegion.table("Alerts sent by region and severity", true))
	} else {
		about += " " + oneRegion
	}
	tables, err := publishAll(breakdowns...)
	if err != nil {
		return Section{}, err
	}
	return Section{ID: "alerts", Title: "Alerts sent", About: about,
		Figures: []Figure{{Label: "Alerts sent", Value: tables[0].Total}}, Tables: tables}, nil
}

// oneRegion says why a report has no breakdown by region: with one region, it would
// print each region's count as the whole sector's.
const oneRegion = "Not broken down by region: every organisation is registered in one region, so its figures are the whole sector's."

// reachSection is the organisations that were sent at least one alert, against those
// registered, by region and kind of organisation.
func reachSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	reached, err := st.OrgsAlerted(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	registered, err := orgsRegistered(ctx, st, per)
	if err != nil {
		return Section{}, err
	}
	regions := regionsOf(registered)
	tables, err := publishAll(
		orgTable("Organisations sent at least one alert, by region and kind", regions, reached),
		orgTable("Organisations registered, by region and kind", regions, registered),
	)
	if err != nil {
		return Section{}, err
	}
	figures := []Figure{shareFigure("Organisations sent at least one alert, and their share of those registered",
		tables[0].Total, tables[1].Total), {Label: "Organisations registered", Value: tables[1].Total}}
	if len(regions) >= 2 {
		for i, region := range tables[0].Rows {
			figures = append(figures, shareFigure(region+": organisations reached, and their share of those registered",
				tables[0].RowTotals[i], tables[1].RowTotals[i]))
		}
	}
	return Section{ID: "reach", Title: "Organisations reached",
		About: "Organisations that were sent at least one alert raised in the period, and the organisations registered " +
			"with the centre by the period's end. Shares are computed from the published figures and not given when " +
			"either is suppressed.",
		Figures: figures, Tables: tables}, nil
}

// shareFigure is part with its share of whole, from the published figures.
func shareFigure(label string, part, whole disclosure.Cell) Figure {
	f := Figure{Label: label, Value: part}
	if pct, ok := disclosure.Share(part, whole); ok {
		f.Percent = &pct
	}
	return f
}

// orgTable lays out organisation tallies by region (rows) and kind (columns), both
// below the whole-sector level.
// With fewer than two regions the one row is the whole sector's ("All regions").
func orgTable(title string, regions []string, tallies []store.OrgTally) disclosure.Table {
	byRegion := len(regions) >= 2
	if !byRegion {
		regions = []string{allRegions}
	}
	c := newCounter(regions, orgKindNames())
	for _, t := range tallies {
		region := allRegions
		if byRegion {
			region = regionName(t.Region)
		}
		c.add(region, orgKindName(t.Kind), t.Count)
	}
	tab := c.table(title, byRegion)
	tab.ColsBelowSector = true
	return tab
}

// allRegions labels the one row of a table that is not broken down by region.
const allRegions = "All regions"

// timesSection is how quickly alerts were acknowledged and resolved, per severity.
func timesSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	acks, err := st.AckTimes(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	fixes, err := st.ResolveTimes(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	var out []Timing
	for i, a := range acks {
		f := fixes[i] // both are every severity, most urgent first
		out = append(out, Timing{Severity: a.Severity, Raised: a.Raised, Acknowledged: a.Acknowledged,
			AckMedian: a.Median, AckP90: a.P90, Resolved: f.Resolved, FixMedian: f.Median, FixP90: f.P90})
	}
	return Section{ID: "times", Title: "Time to acknowledge and to remediate",
		About: "For the alerts raised in the period, how long organisations took to acknowledge them (an alert resolved " +
			"without being acknowledged counts as acknowledged when resolved) and to resolve them: the median and the " +
			"90th percentile (nearest rank) of those dealt with by the time the report was made.",
		Timings: out}, nil
}

// coverageSection is the addresses and names organisations registered for Early
// Warning to watch.
func coverageSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	c, err := st.ReportAssets(ctx, per.End())
	if err != nil {
		return Section{}, err
	}
	return Section{ID: "coverage", Title: "IP addresses and domains covered",
		About: "What organisations have registered, and the centre approved, by the period's end: every IPv4 address " +
			"and IPv6 /64 network in their ranges counted once, and their domains and host names.",
		Figures: []Figure{
			{Label: "Organisations with registered assets", Value: exact(c.Orgs)},
			{Label: "IPv4 addresses covered", Value: exact(c.IPv4Addresses)},
			{Label: "IPv6 /64 networks covered", Value: exact(c.IPv6Networks)},
			{Label: "Domains covered (with every name under them)", Value: exact(c.Domains)},
			{Label: "Single host names covered", Value: exact(c.Hostnames)},
		}}, nil
}

// huntingSection is the telemetry organisations sent and what it matched.
func huntingSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	tele, err := st.ReportTelemetry(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	sights, err := st.ReportSightings(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	c := newCounter(nil, []string{"Events matched"})
	for _, s := range sights {
		c.add(string(s.Type), "Events matched", int(s.Events))
	}
	published, err := publishAll(c.table("Telemetry events that matched an indicator, by indicator type", false))
	if err != nil {
		return Section{}, err
	}
	figures := []Figure{
		{Label: "Organisations sending telemetry", Value: exact(tele.Orgs)},
		{Label: "Organisation-days of telemetry", Value: exact(tele.OrgDays)},
		{Label: "Sensors hunting (API tokens that sent telemetry)", Value: exact(tele.Sensors)},
		{Label: "Telemetry uploads from sensors", Value: exact(tele.Uploads)},
		{Label: "Telemetry events from sensors", Value: exact(tele.Events)},
	}
	for _, s := range sights {
		figures = append(figures, Figure{Label: "Distinct " + string(s.Type) + " indicators sighted", Value: exact(s.Indicators)})
	}
	return Section{ID: "hunting", Title: "Hunting and indicators discovered",
		About: "Organisations whose sensors sent telemetry in the period, the sensors (API tokens) that sent it, " +
			"and the indicators it matched (sightings). " +
			"Raw telemetry is never kept and sightings are deleted after the retention period, so for a period " +
			"reaching further back these figures count only what is left.",
		Figures: figures, Tables: published}, nil
}

// feedsSource builds the section on the intelligence coming in: feeds and the
// indicators received, counted from the tally it keeps until the intelligence changes.
type feedsSource struct {
	receipts receiptsCache
}

// Section implements SectionSource.
func (fs *feedsSource) Section(ctx context.Context, st *store.Store, per Period) (Section, error) {
	f, err := st.ReportFeeds(ctx, per.First)
	if err != nil {
		return Section{}, err
	}
	receipts, err := fs.receipts.get(ctx, st)
	if err != nil {
		return Section{}, err
	}
	received := receipts.Received(per.First, per.End())
	c := newCounter(nil, []string{"Indicators"})
	for _, t := range vigil.IndicatorTypes {
		if n := received[t]; n > 0 {
			c.add(string(t), "Indicators", n)
		}
	}
	tables, err := publishAll(c.table("Indicators received from feeds and uploads, by type", false))
	if err != nil {
		return Section{}, err
	}
	return Section{ID: "feeds", Title: "Feeds",
		About: "The intelligence feeds the centre subscribes to and the indicators first received from a source in the period.",
		Figures: []Figure{
			{Label: "Feeds subscribed", Value: exact(f.Subscribed)},
			{Label: "Feeds enabled", Value: exact(f.Enabled)},
			{Label: "Feeds pulled successfully since the period began", Value: exact(f.PulledSince)},
		}, Tables: tables}, nil
}

// regionsOf is every region organisations are registered in, sorted: a breakdown by
// region lists them all, zeros included. Then there are always other rows to suppress
// beside a small count, and the table's whole-sector totals, which the whole-sector
// tables publish too, never have to be withheld (a table could not hide a total that
// another prints).
func regionsOf(registered []store.OrgTally) []string {
	var out []string
	for _, t := range registered {
		out = append(out, regionName(t.Region))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// exact is a whole-sector count, published as it is.
func exact[N int | int64](n N) disclosure.Cell {
	return disclosure.Cell{Value: int(n), Mark: disclosure.Exact}
}

// publishAll publishes tables in order.
func publishAll(tables ...disclosure.Table) ([]disclosure.Published, error) {
	out := make([]disclosure.Published, len(tables))
	for i, t := range tables {
		p, err := disclosure.Publish(t)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// counter adds counts into a table whose rows appear as they are first added (after any
// fixed ones) and whose columns are fixed.
type counter struct {
	rows, cols []string
	fixed      int // how many of rows were given in advance
	counts     map[[2]string]int
}

func newCounter(rows, cols []string) *counter {
	return &counter{rows: slices.Clone(rows), cols: cols, fixed: len(rows), counts: map[[2]string]int{}}
}

func (c *counter) add(row, col string, n int) {
	if !slices.Contains(c.rows, row) {
		c.rows = append(c.rows, row)
	}
	c.counts[[2]string{row, col}] += n
}

// table is the counts as a table; belowSector says its rows are parts of the sector.
// Rows not fixed in advance are sorted, so that the order does not follow the database.
func (c *counter) table(title string, belowSector bool) disclosure.Table {
	slices.Sort(c.rows[c.fixed:])
	t := disclosure.Table{Title: title, Rows: c.rows, Cols: c.cols, RowsBelowSector: belowSector}
	for _, r := range c.rows {
		row := make([]int, len(c.cols))
		for j, col := range c.cols {
			row[j] = c.counts[[2]string{r, col}]
		}
		t.Counts = append(t.Counts, row)
	}
	return t
}
