package disclosure

// grid is a table with its totals: m rows and n columns of counts, row m holding the
// column totals, column n the row totals and [m][n] the grand total.
type grid struct {
	m, n       int
	v          [][]int  // true values
	suppressed [][]bool // withheld cells
	below      [][]bool // cells below the whole-sector level
}

func newGrid(t Table) (*grid, error) {
	if err := validate(t); err != nil {
		return nil, err
	}
	m, n := len(t.Rows), len(t.Cols)
	g := &grid{m: m, n: n, v: make([][]int, m+1), suppressed: make([][]bool, m+1), below: make([][]bool, m+1)}
	for i := range m + 1 {
		g.v[i] = make([]int, n+1)
		g.suppressed[i] = make([]bool, n+1)
		g.below[i] = make([]bool, n+1)
		for j := range n + 1 {
			g.below[i][j] = (i < m && t.RowsBelowSector) || (j < n && t.ColsBelowSector)
		}
	}
	for i, row := range t.Counts {
		for j, c := range row {
			g.v[i][j] = c
			g.v[i][n] += c
			g.v[m][j] += c
			g.v[m][n] += c
		}
	}
	return g, nil
}

// suppressPrimary withholds the small counts below the whole-sector level.
func (g *grid) suppressPrimary() {
	for i := range g.m + 1 {
		for j := range g.n + 1 {
			if g.below[i][j] && g.v[i][j] >= 1 && g.v[i][j] <= Threshold {
				g.suppressed[i][j] = true
			}
		}
	}
}

// closeBridges withholds more cells until every suppressed cell lies on a cycle of
// suppressed cells (see the package comment). Each round puts one bridge on a
// four-cell rectangle; adding cells never makes a cell a bridge again, so the number of
// bridges falls every round and the loop ends.
func (g *grid) closeBridges() {
	for {
		r, c, ok := g.bridge()
		if !ok {
			return
		}
		r2, c2, ok := g.cheapestRectangle(r, c)
		if !ok {
			return // a 1×1 grid: only reachable with no rows or no columns, all zero
		}
		g.suppressed[r][c2], g.suppressed[r2][c], g.suppressed[r2][c2] = true, true, true
	}
}

// bridge finds a suppressed cell whose row and column are not otherwise joined by
// suppressed cells: one that could be solved for.
func (g *grid) bridge() (r, c int, ok bool) {
	for i := range g.m + 1 {
		for j := range g.n + 1 {
			if g.suppressed[i][j] && !g.joinedWithout(i, j) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// joinedWithout reports whether row r and column c are connected through suppressed
// cells other than (r, c): a breadth-first search over rows and columns.
func (g *grid) joinedWithout(r, c int) bool {
	seenRow, seenCol := make([]bool, g.m+1), make([]bool, g.n+1)
	type node struct {
		isRow bool
		k     int
	}
	queue := []node{{true, r}}
	seenRow[r] = true
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x.isRow {
			for j := range g.n + 1 {
				if g.suppressed[x.k][j] && !(x.k == r && j == c) && !seenCol[j] {
					if j == c {
						return true
					}
					seenCol[j] = true
					queue = append(queue, node{false, j})
				}
			}
			continue
		}
		for i := range g.m + 1 {
			if g.suppressed[i][x.k] && !(i == r && x.k == c) && !seenRow[i] {
				seenRow[i] = true
				queue = append(queue, node{true, i})
			}
		}
	}
	return false
}

// cheapestRectangle picks the row r2 and column c2 whose three cells (r, c2), (r2, c)
// and (r2, c2) cost least to withhold with (r, c).
func (g *grid) cheapestRectangle(r, c int) (r2, c2 int, ok bool) {
	best := -1
	for i := range g.m + 1 {
		for j := range g.n + 1 {
			if i == r || j == c {
				continue
			}
			cost := g.cost(r, j) + g.cost(i, c) + g.cost(i, j)
			if best < 0 || cost < best {
				best, r2, c2 = cost, i, j
			}
		}
	}
	return r2, c2, best >= 0
}

// Costs of withholding a cell: a cell already withheld costs nothing, a small count
// little, a whole-sector figure far more and the grand total most, so that those are
// only withheld when nothing else closes the gap.
const (
	sectorCost     = 1 << 30
	grandTotalCost = 1 << 40
)

func (g *grid) cost(i, j int) int {
	switch {
	case g.suppressed[i][j]:
		return 0
	case i == g.m && j == g.n:
		return grandTotalCost
	case !g.below[i][j]:
		return sectorCost + g.v[i][j]
	}
	return 1 + g.v[i][j]
}

// cell is the published form of grid cell (i, j).
func (g *grid) cell(i, j int) Cell {
	switch {
	case g.suppressed[i][j]:
		return Cell{Mark: Suppressed}
	case g.below[i][j]:
		return Cell{Value: roundCount(g.v[i][j]), Mark: Rounded}
	}
	return Cell{Value: g.v[i][j], Mark: Exact}
}

// published lays the grid out as t's published table.
func (g *grid) published(t Table) Published {
	p := Published{Title: t.Title, Rows: t.Rows, Cols: t.Cols, Cells: make([][]Cell, g.m),
		RowTotals: make([]Cell, g.m), ColTotals: make([]Cell, g.n), Total: g.cell(g.m, g.n)}
	for i := range g.m {
		p.Cells[i] = make([]Cell, g.n)
		for j := range g.n {
			p.Cells[i][j] = g.cell(i, j)
		}
		p.RowTotals[i] = g.cell(i, g.n)
	}
	for j := range g.n {
		p.ColTotals[j] = g.cell(g.m, j)
	}
	return p
}
