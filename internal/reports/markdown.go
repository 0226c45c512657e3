package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/vigil-health/vigil/internal/disclosure"
)

// WriteMarkdown writes r as Markdown (GitHub tables), the numbers as in the HTML.
func WriteMarkdown(w io.Writer, r Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s: %s\n\n", reportTitle, r.Period.Days())
	fmt.Fprintf(b, "Generated %s.\n\n", r.Generated.Format("2 Jan 2006 15:04 MST"))
	fmt.Fprintf(b, "> **Disclosure control.** %s\n", rulesSummary)
	for _, s := range r.Sections {
		mdSection(b, s)
	}
	return b.Flush()
}

func mdSection(b *bufio.Writer, s Section) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n", s.Title, s.About)
	if s.NotRecorded != "" {
		fmt.Fprintf(b, "\n_%s_\n", s.NotRecorded)
		return
	}
	if len(s.Figures) > 0 {
		b.WriteString("\n")
		for _, f := range s.Figures {
			fmt.Fprintf(b, "- %s: **%s**\n", mdEscape(f.Label), mdEscape(figureText(f)))
		}
	}
	for _, t := range s.Tables {
		mdTable(b, t)
	}
	if len(s.Timings) > 0 {
		mdTimings(b, s.Timings)
	}
}

func mdTable(b *bufio.Writer, t disclosure.Published) {
	fmt.Fprintf(b, "\n### %s\n\n", t.Title)
	if len(t.Rows) == 0 {
		b.WriteString("Nothing to count in this period.\n")
		return
	}
	withTotals := len(t.Cols) > 1
	head, rule := []string{""}, []string{"---"}
	for _, c := range t.Cols {
		head, rule = append(head, mdEscape(c)), append(rule, "---:")
	}
	if withTotals {
		head, rule = append(head, "Total"), append(rule, "---:")
	}
	mdRow(b, head)
	mdRow(b, rule)
	for i, row := range t.Cells {
		cells := []string{mdEscape(t.Rows[i])}
		for _, c := range row {
			cells = append(cells, mdEscape(cellText(c)))
		}
		if withTotals {
			cells = append(cells, mdEscape(cellText(t.RowTotals[i])))
		}
		mdRow(b, cells)
	}
	total := []string{"**Total**"}
	for _, c := range t.ColTotals {
		total = append(total, "**"+mdEscape(cellText(c))+"**")
	}
	if withTotals {
		total = append(total, "**"+mdEscape(cellText(t.Total))+"**")
	}
	mdRow(b, total)
}

func mdTimings(b *bufio.Writer, ts []Timing) {
	b.WriteString("\n### Time to acknowledge and to remediate, by severity\n\n")
	mdRow(b, timingHead)
	mdRow(b, []string{"---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"})
	for _, t := range ts {
		mdRow(b, timingRow(t))
	}
}

// timingHead and timingRow are the timings table's header and one row, for every format.
var timingHead = []string{"Severity", "Raised", "Acknowledged", "Median to acknowledge", "90th percentile to acknowledge",
	"Resolved", "Median to remediate", "90th percentile to remediate"}

func timingRow(t Timing) []string {
	return []string{string(t.Severity), cellText(exact(t.Raised)), cellText(exact(t.Acknowledged)), duration(t.AckMedian),
		duration(t.AckP90), cellText(exact(t.Resolved)), duration(t.FixMedian), duration(t.FixP90)}
}

func mdRow(b *bufio.Writer, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// mdEscape keeps a label from breaking the table or turning into formatting.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "\n", " ").Replace(s)
}
