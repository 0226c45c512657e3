package reports

import (
	"time"

	"github.com/vigil-health/vigil/internal/disclosure"
)

// Document is the report as JSON: the API's answer and the CLI's --format json. Every
// count says how it was published; a suppressed one has no value.
type Document struct {
	// Title is the report's title.
	Title string `json:"title"`
	// From and To are the first and last UTC day covered, both included (YYYY-MM-DD).
	From string `json:"from"`
	To   string `json:"to"`
	// Generated is when the report was built.
	Generated time.Time `json:"generated"`
	// Disclosure states the rules the figures were published under.
	Disclosure DisclosureRules `json:"disclosure"`
	// Sections are the report's parts, in order.
	Sections []DocSection `json:"sections" nullable:"false"`
}

// DisclosureRules are the statistical disclosure control rules of a report.
type DisclosureRules struct {
	// Threshold is the largest count suppressed below the whole-sector level.
	Threshold int `json:"suppress_up_to"`
	// RoundTo is the multiple counts below the whole-sector level are rounded to.
	RoundTo int `json:"round_to"`
	// Summary says the rules in words.
	Summary string `json:"summary"`
}

// DocSection is one section of the report.
type DocSection struct {
	// ID names the section; Title is its heading and About says what it means.
	ID    string `json:"id"`
	Title string `json:"title"`
	About string `json:"about"`
	// NotRecorded is set when vigil does not hold the section's data yet.
	NotRecorded string `json:"not_recorded,omitempty"`
	// Figures are the headline numbers.
	Figures []DocFigure `json:"figures" nullable:"false"`
	// Tables are the section's tables.
	Tables []DocTable `json:"tables" nullable:"false"`
	// Timings are how quickly alerts were dealt with, per severity.
	Timings []DocTiming `json:"timings,omitempty"`
}

// DocCell is one published count.
type DocCell struct {
	// Value is the count published; absent (null) when suppressed.
	Value *int `json:"value" doc:"The count published; null when suppressed."`
	// Mark is exact, rounded (to the nearest 5) or suppressed (shown as *).
	Mark disclosure.Mark `json:"mark" enum:"exact,rounded,suppressed"`
	// Suppressed is true when the count is withheld.
	Suppressed bool `json:"suppressed,omitempty"`
}

// DocFigure is a headline number.
type DocFigure struct {
	// Label says what is counted.
	Label string `json:"label"`
	DocCell
	// Percent is the figure as a share of what the label names, from published figures.
	Percent *float64 `json:"percent,omitempty"`
}

// DocTable is a disclosure-controlled table.
type DocTable struct {
	// Title says what the table counts.
	Title string `json:"title"`
	// Rows and Columns name its rows and columns.
	Rows    []string `json:"rows" nullable:"false"`
	Columns []string `json:"columns" nullable:"false"`
	// Cells holds one row of cells per row name.
	Cells [][]DocCell `json:"cells" nullable:"false"`
	// RowTotals, ColumnTotals and Total are the totals.
	RowTotals    []DocCell `json:"row_totals" nullable:"false"`
	ColumnTotals []DocCell `json:"column_totals" nullable:"false"`
	Total        DocCell   `json:"total"`
}

// DocTiming is how quickly alerts of one severity were dealt with.
type DocTiming struct {
	// Severity is the alerts' severity.
	Severity string `json:"severity"`
	// Raised, Acknowledged and Resolved count the alerts.
	Raised       int `json:"raised"`
	Acknowledged int `json:"acknowledged"`
	Resolved     int `json:"resolved"`
	// The times, in whole seconds (nearest rank); 0 when none was dealt with.
	AckMedianSeconds float64 `json:"acknowledge_median_seconds"`
	AckP90Seconds    float64 `json:"acknowledge_p90_seconds"`
	FixMedianSeconds float64 `json:"remediate_median_seconds"`
	FixP90Seconds    float64 `json:"remediate_p90_seconds"`
}

// reportTitle is the report's title.
const reportTitle = "Sector report"

// rulesSummary says the disclosure rules in a sentence.
const rulesSummary = "Below the whole-sector level (by region or kind of organisation) counts from 1 to 7 are " +
	"suppressed and shown as *, other counts are rounded to the nearest 5, and further counts are suppressed " +
	"where needed so that no suppressed count can be worked out from the totals. Whole-sector figures are exact. " +
	"Percentages are computed from the published figures."

// Document is r as JSON.
func (r Report) Document() Document {
	d := Document{Title: reportTitle, From: r.Period.First.Format(time.DateOnly), To: r.Period.Last.Format(time.DateOnly),
		Generated: r.Generated, Disclosure: DisclosureRules{Threshold: disclosure.Threshold, RoundTo: disclosure.RoundTo,
			Summary: rulesSummary}, Sections: []DocSection{}}
	for _, s := range r.Sections {
		d.Sections = append(d.Sections, docSection(s))
	}
	return d
}

func docSection(s Section) DocSection {
	out := DocSection{ID: s.ID, Title: s.Title, About: s.About, NotRecorded: s.NotRecorded,
		Figures: []DocFigure{}, Tables: []DocTable{}}
	for _, f := range s.Figures {
		out.Figures = append(out.Figures, DocFigure{Label: f.Label, DocCell: docCell(f.Value), Percent: f.Percent})
	}
	for _, t := range s.Tables {
		out.Tables = append(out.Tables, docTable(t))
	}
	for _, t := range s.Timings {
		out.Timings = append(out.Timings, DocTiming{Severity: string(t.Severity), Raised: t.Raised,
			Acknowledged: t.Acknowledged, Resolved: t.Resolved, AckMedianSeconds: seconds(t.AckMedian),
			AckP90Seconds: seconds(t.AckP90), FixMedianSeconds: seconds(t.FixMedian), FixP90Seconds: seconds(t.FixP90)})
	}
	return out
}

// seconds is d in whole seconds: a report's times need no more.
func seconds(d time.Duration) float64 { return d.Round(time.Second).Seconds() }

func docTable(t disclosure.Published) DocTable {
	out := DocTable{Title: t.Title, Rows: t.Rows, Columns: t.Cols, Cells: [][]DocCell{},
		RowTotals: docCells(t.RowTotals), ColumnTotals: docCells(t.ColTotals), Total: docCell(t.Total)}
	for _, row := range t.Cells {
		out.Cells = append(out.Cells, docCells(row))
	}
	if out.Rows == nil {
		out.Rows = []string{}
	}
	return out
}

func docCells(cs []disclosure.Cell) []DocCell {
	out := make([]DocCell, len(cs))
	for i, c := range cs {
		out[i] = docCell(c)
	}
	return out
}

func docCell(c disclosure.Cell) DocCell {
	if c.Mark == disclosure.Suppressed {
		return DocCell{Mark: c.Mark, Suppressed: true}
	}
	v := c.Value
	return DocCell{Value: &v, Mark: c.Mark}
}
