package disclosure

import (
	"testing"
)

// FuzzPublish drives Publish with tables made from arbitrary bytes (the first two give
// the shape and which axes are below the sector level, the rest the counts) and checks,
// with the independent solver, that no suppressed count can be solved for.
func FuzzPublish(f *testing.F) {
	f.Add([]byte{0x23, 1, 3, 12, 9, 20, 0, 41})
	f.Add([]byte{0x55, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{0x11, 2, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2 {
			return
		}
		m, n := int(b[0]>>4)%7, int(b[0]&0xf)%7
		tab := Table{Rows: make([]string, m), Cols: make([]string, n), Counts: make([][]int, m),
			RowsBelowSector: b[1]&1 != 0, ColsBelowSector: b[1]&2 != 0}
		rest := b[2:]
		for i := range m {
			tab.Counts[i] = make([]int, n)
			for j := range n {
				if k := i*n + j; k < len(rest) {
					tab.Counts[i][j] = int(rest[k]) % 60
				}
			}
		}
		p, err := Publish(tab)
		if err != nil {
			t.Fatal(err)
		}
		if d := derivable(p); len(d) > 0 {
			t.Fatalf("suppressed cells %v can be solved for in %+v", d, p)
		}
	})
}
