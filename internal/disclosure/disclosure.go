package disclosure

import (
	"fmt"
	"strconv"
)

// Threshold is the largest count suppressed below the whole-sector level: counts from 1
// to Threshold are shown as "*". Zero is published: it reveals nobody.
const Threshold = 7

// RoundTo is what counts below the whole-sector level are rounded to the nearest
// multiple of.
const RoundTo = 5

// Table is a table of counts to publish: rows by columns, the totals worked out from
// the counts.
type Table struct {
	// Title says what is counted, e.g. "Alerts sent by region and severity".
	Title string
	// Rows and Cols name the rows and the columns, e.g. regions and severities.
	Rows, Cols []string
	// Counts holds one row of len(Cols) counts for each of Rows.
	Counts [][]int
	// RowsBelowSector is true when each row is a part of the sector (a region, a kind of
	// organisation): the row's cells and its total are then disclosure-controlled.
	RowsBelowSector bool
	// ColsBelowSector is the same for the columns.
	ColsBelowSector bool
}

// Mark says how a published cell relates to the true count.
type Mark string

// The marks of a published cell.
const (
	Exact      Mark = "exact"      // the true count, a whole-sector figure
	Rounded    Mark = "rounded"    // the true count rounded to the nearest 5
	Suppressed Mark = "suppressed" // withheld: shown as "*"
)

// Cell is one published figure.
type Cell struct {
	// Value is the figure published; zero when suppressed.
	Value int
	// Mark says whether Value is exact, rounded or suppressed.
	Mark Mark
}

// String is the cell as printed: its value, or "*" when suppressed.
func (c Cell) String() string {
	if c.Mark == Suppressed {
		return "*"
	}
	return strconv.Itoa(c.Value)
}

// Published is a table ready to publish: every cell and total marked.
type Published struct {
	// Title, Rows and Cols are the table's.
	Title      string
	Rows, Cols []string
	// Cells holds one row of len(Cols) cells for each of Rows.
	Cells [][]Cell
	// RowTotals and ColTotals are the totals of each row and each column.
	RowTotals, ColTotals []Cell
	// Total is the grand total.
	Total Cell
}

// Publish applies disclosure control to t: counts below the whole-sector level from 1
// to 7 are suppressed and the others rounded to the nearest 5 (each total is rounded
// from its true value, not summed from rounded cells), whole-sector figures are exact,
// and secondary suppression leaves no suppressed count derivable from the published
// rows, columns and totals. Whole-sector figures are withheld only when nothing else
// can protect a cell, which never happens when each axis below the sector level has at
// least two rows (columns): a report can then print those figures in other tables too.
// It fails on a ragged table or a negative count.
func Publish(t Table) (Published, error) {
	g, err := newGrid(t)
	if err != nil {
		return Published{}, err
	}
	g.suppressPrimary()
	g.closeBridges()
	return g.published(t), nil
}

// Share is part as a percentage of whole, from the published figures as NHS statistics
// compute it (so a reader can redo the sum); ok is false when either is suppressed or
// whole is zero.
func Share(part, whole Cell) (pct float64, ok bool) {
	if part.Mark == Suppressed || whole.Mark == Suppressed || whole.Value == 0 {
		return 0, false
	}
	return 100 * float64(part.Value) / float64(whole.Value), true
}

// roundCount rounds v to the nearest multiple of RoundTo (halves cannot occur for
// whole numbers and an odd RoundTo).
func roundCount(v int) int {
	return (v + RoundTo/2) / RoundTo * RoundTo
}

// validate checks t's shape and counts.
func validate(t Table) error {
	if len(t.Counts) != len(t.Rows) {
		return fmt.Errorf("table %q: %d rows of counts for %d row names", t.Title, len(t.Counts), len(t.Rows))
	}
	for i, row := range t.Counts {
		if len(row) != len(t.Cols) {
			return fmt.Errorf("table %q, row %q: %d counts for %d columns", t.Title, t.Rows[i], len(row), len(t.Cols))
		}
		for j, v := range row {
			if v < 0 {
				return fmt.Errorf("table %q, row %q, column %q: negative count %d", t.Title, t.Rows[i], t.Cols[j], v)
			}
		}
	}
	return nil
}
