package disclosure

import (
	"slices"
	"testing"
)

// The independent solver must find a suppressed count that can be recovered, including
// one that the simple rule "every line with a * has two" misses: two rectangles of
// suppressed cells joined by a single cell, which is then each line's third * and yet
// the difference of two sums.
func TestSolverFindsRecoverableCells(t *testing.T) {
	s, e := Cell{Mark: Suppressed}, Cell{Value: 10, Mark: Rounded}
	tests := []struct {
		name  string
		cells [][]Cell
		// rowTotals, colTotals and total default to rounded figures.
		rowTotals, colTotals []Cell
		total                Cell
		want                 [][2]int
	}{
		{name: "one * in a row, its total published", cells: [][]Cell{{s, e}, {e, e}}, want: [][2]int{{0, 0}}},
		{name: "a rectangle of four *", cells: [][]Cell{{s, s, e}, {s, s, e}, {e, e, e}}},
		{name: "a * with its row total withheld, alone in its column",
			cells: [][]Cell{{s, e}, {e, e}}, rowTotals: []Cell{s, e}, want: [][2]int{{0, 0}, {0, 2}}},
		{name: "two rectangles joined by one cell: the joining cell is recoverable",
			cells: [][]Cell{
				{s, s, e, e},
				{s, s, s, e},
				{e, e, s, s},
				{e, e, s, s},
			}, want: [][2]int{{1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Published{Cells: tt.cells, Rows: make([]string, len(tt.cells)), Cols: make([]string, len(tt.cells[0]))}
			p.RowTotals, p.ColTotals, p.Total = tt.rowTotals, tt.colTotals, tt.total
			if p.RowTotals == nil {
				p.RowTotals = slices.Repeat([]Cell{e}, len(p.Rows))
			}
			if p.ColTotals == nil {
				p.ColTotals = slices.Repeat([]Cell{e}, len(p.Cols))
			}
			if p.Total.Mark == "" {
				p.Total = e
			}
			if got := derivable(p); !slices.Equal(got, tt.want) {
				t.Errorf("derivable = %v, want %v", got, tt.want)
			}
		})
	}
}
