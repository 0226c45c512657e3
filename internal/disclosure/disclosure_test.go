package disclosure

import (
	"testing"

	"pgregory.net/rapid"
)

// Publishing never leaves a suppressed count that the published rows, columns and
// totals pin down, and every published figure follows the rules: small counts below
// the sector level withheld, the rest below it rounded to 5, whole-sector figures exact.
func TestNoSuppressedCountIsDerivable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tab := tableGen().Draw(t, "table")
		p, err := Publish(tab)
		if err != nil {
			t.Fatal(err)
		}
		if d := derivable(p); len(d) > 0 {
			t.Fatalf("suppressed cells %v can be solved for in %+v", d, p)
		}
		checkRules(t, tab, p)
		checkSectorFiguresKept(t, tab, p)
	})
}

// checkSectorFiguresKept checks the promise reports rely on to print a whole-sector
// figure in several tables: with at least two rows (columns) in each axis below the
// sector level, no whole-sector figure is ever withheld.
func checkSectorFiguresKept(t *rapid.T, tab Table, p Published) {
	m, n := len(tab.Rows), len(tab.Cols)
	if (tab.RowsBelowSector && m < 2) || (tab.ColsBelowSector && n < 2) {
		return
	}
	for i := range m + 1 {
		for j := range n + 1 {
			below := (i < m && tab.RowsBelowSector) || (j < n && tab.ColsBelowSector)
			if !below && at(p, i, j).Mark == Suppressed {
				t.Fatalf("whole-sector cell (%d,%d) withheld in a %d×%d table", i, j, m, n)
			}
		}
	}
}

// checkRules checks each published figure against the true one.
func checkRules(t *rapid.T, tab Table, p Published) {
	truth := truthOf(tab)
	m, n := len(tab.Rows), len(tab.Cols)
	for i := range m + 1 {
		for j := range n + 1 {
			v, c := truth[i][j], at(p, i, j)
			below := (i < m && tab.RowsBelowSector) || (j < n && tab.ColsBelowSector)
			switch {
			case below && v >= 1 && v <= Threshold && c.Mark != Suppressed:
				t.Fatalf("cell (%d,%d) = %d below the sector level published as %+v", i, j, v, c)
			case c.Mark == Suppressed:
			case below && (c.Mark != Rounded || c.Value%RoundTo != 0 || c.Value-v > 2 || v-c.Value > 2):
				t.Fatalf("cell (%d,%d) = %d below the sector level published as %+v, want rounded to 5", i, j, v, c)
			case !below && (c.Mark != Exact || c.Value != v):
				t.Fatalf("whole-sector cell (%d,%d) = %d published as %+v, want exact", i, j, v, c)
			}
		}
	}
}

// truthOf is the table's grid with totals, summed here independently of Publish.
func truthOf(tab Table) [][]int {
	m, n := len(tab.Rows), len(tab.Cols)
	g := make([][]int, m+1)
	for i := range g {
		g[i] = make([]int, n+1)
	}
	for i := range m {
		for j := range n {
			v := tab.Counts[i][j]
			g[i][j], g[i][n], g[m][j], g[m][n] = v, g[i][n]+v, g[m][j]+v, g[m][n]+v
		}
	}
	return g
}

// tableGen draws tables up to 6×6 whose counts lean small, so that suppression is
// common, with any mix of axes below the sector level.
func tableGen() *rapid.Generator[Table] {
	return rapid.Custom(func(t *rapid.T) Table {
		m := rapid.IntRange(0, 6).Draw(t, "rows")
		n := rapid.IntRange(0, 6).Draw(t, "cols")
		tab := Table{Title: "drawn", Rows: make([]string, m), Cols: make([]string, n), Counts: make([][]int, m),
			RowsBelowSector: rapid.Bool().Draw(t, "rowsBelow"), ColsBelowSector: rapid.Bool().Draw(t, "colsBelow")}
		count := rapid.OneOf(rapid.IntRange(0, 9), rapid.IntRange(0, 40))
		for i := range m {
			tab.Counts[i] = rapid.SliceOfN(count, n, n).Draw(t, "row")
		}
		return tab
	})
}
