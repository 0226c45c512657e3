package reports

import (
	"bytes"
	"embed"
	"html/template"
	"io"
	"strconv"

	"github.com/vigil-health/vigil/internal/disclosure"
)

//go:embed templates/report.html
var templateFS embed.FS

var reportTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"rules":      func() string { return rulesSummary },
	"figure":     figureText,
	"cell":       cellText,
	"tableView":  newTableView,
	"timingHead": func() []string { return timingHead },
	"timingRow":  timingRow,
}).ParseFS(templateFS, "templates/report.html"))

// tableView is one table of a section as the template draws it: its chart and numbers.
type tableView struct {
	// ID is the table's anchor, unique in the report.
	ID    string
	Table disclosure.Published
	Chart Chart
	// Totals is false for a one-column table, whose row totals would repeat its cells.
	Totals bool
}

func newTableView(section string, i int, t disclosure.Published) tableView {
	return tableView{ID: "report-" + section + "-" + strconv.Itoa(i+1), Table: t, Chart: chartOf(t), Totals: len(t.Cols) > 1}
}

// WriteHTML writes r as an HTML document that stands alone: styles inline, charts as
// SVG, nothing fetched, so it can be mailed or kept.
func WriteHTML(w io.Writer, r Report) error {
	return reportTemplates.ExecuteTemplate(w, "report-document", r)
}

// HTMLBody is r's content as an HTML fragment (sections, charts and tables, headings
// from h2) for a page to place inside its own layout.
func HTMLBody(r Report) (template.HTML, error) {
	var b bytes.Buffer
	if err := reportTemplates.ExecuteTemplate(&b, "report-body", r); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // rendered by html/template above, so escaped
}
