package disclosure

import "math/big"

// derivable is the independent check: it writes down every equation a reader of the
// published table has (each row, each column, the totals row and column add up) with
// every non-suppressed cell taken as known exactly — more than rounding tells, so the
// check is stricter than the real risk — and reports which suppressed cells the linear
// system pins to one value. A cell is pinned when its unit vector lies in the span of
// the equations' rows restricted to the unknowns; that is decided by rank with exact
// rational Gaussian elimination. It shares no code with Publish.
func derivable(p Published) [][2]int {
	m, n := len(p.Rows), len(p.Cols)
	suppressed := func(i, j int) bool { return at(p, i, j).Mark == Suppressed }
	var unknowns [][2]int
	index := map[[2]int]int{}
	for i := range m + 1 {
		for j := range n + 1 {
			if suppressed(i, j) {
				index[[2]int{i, j}] = len(unknowns)
				unknowns = append(unknowns, [2]int{i, j})
			}
		}
	}
	if len(unknowns) == 0 {
		return nil
	}
	var eqs [][]*big.Rat
	line := func(cells [][2]int, total [2]int) {
		row := zeros(len(unknowns))
		for _, c := range cells {
			if k, ok := index[c]; ok {
				row[k].Add(row[k], big.NewRat(1, 1))
			}
		}
		if k, ok := index[total]; ok {
			row[k].Sub(row[k], big.NewRat(1, 1))
		}
		eqs = append(eqs, row)
	}
	for i := range m + 1 {
		var cells [][2]int
		for j := range n {
			cells = append(cells, [2]int{i, j})
		}
		line(cells, [2]int{i, n})
	}
	for j := range n + 1 {
		var cells [][2]int
		for i := range m {
			cells = append(cells, [2]int{i, j})
		}
		line(cells, [2]int{m, j})
	}
	base := rank(eqs)
	var out [][2]int
	for k, u := range unknowns {
		e := zeros(len(unknowns))
		e[k].SetInt64(1)
		if rank(append(clone(eqs), e)) == base {
			out = append(out, u)
		}
	}
	return out
}

// at reads grid position (i, j) of a published table, totals included.
func at(p Published, i, j int) Cell {
	m, n := len(p.Rows), len(p.Cols)
	switch {
	case i == m && j == n:
		return p.Total
	case i == m:
		return p.ColTotals[j]
	case j == n:
		return p.RowTotals[i]
	}
	return p.Cells[i][j]
}

func zeros(n int) []*big.Rat {
	r := make([]*big.Rat, n)
	for i := range r {
		r[i] = new(big.Rat)
	}
	return r
}

func clone(rows [][]*big.Rat) [][]*big.Rat {
	out := make([][]*big.Rat, len(rows))
	for i, r := range rows {
		out[i] = make([]*big.Rat, len(r))
		for j, v := range r {
			out[i][j] = new(big.Rat).Set(v)
		}
	}
	return out
}

// rank is the rank of rows, by Gaussian elimination on a copy.
func rank(rows [][]*big.Rat) int {
	a := clone(rows)
	if len(a) == 0 {
		return 0
	}
	r := 0
	for c := 0; c < len(a[0]) && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if a[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		for i := range a {
			if i == r || a[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(a[i][c], a[r][c])
			for k := c; k < len(a[i]); k++ {
				a[i][k].Sub(a[i][k], new(big.Rat).Mul(f, a[r][k]))
			}
		}
		r++
	}
	return r
}
