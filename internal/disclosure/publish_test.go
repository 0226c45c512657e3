package disclosure

import (
	"strings"
	"testing"
)

// Publish on tables small enough to work out by hand.
func TestPublish(t *testing.T) {
	tests := []struct {
		name string
		tab  Table
		want string // rows of cells then the row total, then the column totals and grand total
	}{
		{
			name: "regions by severity: North's 3 is withheld with the cheapest rectangle",
			tab: Table{Rows: []string{"North", "South", "East"}, Cols: []string{"critical", "high"},
				Counts: [][]int{{3, 12}, {9, 20}, {0, 41}}, RowsBelowSector: true},
			want: "* * 15 | * * 30 | 0 40 40 | 12 73 85",
		},
		{
			name: "whole-sector figures are exact, small ones included",
			tab: Table{Rows: []string{"sighting", "retro_hunt"}, Cols: []string{"high", "low"},
				Counts: [][]int{{3, 12}, {1, 0}}},
			want: "3 12 15 | 1 0 1 | 4 12 16",
		},
		{
			name: "one column by region: two regions withheld so neither follows from the total",
			tab: Table{Rows: []string{"North", "South", "East"}, Cols: []string{"organisations"},
				Counts: [][]int{{2}, {14}, {30}}, RowsBelowSector: true},
			want: "* * | * * | 30 30 | 46 46",
		},
		{
			name: "both axes below the sector: rounded totals, exact grand total",
			tab: Table{Rows: []string{"North", "South"}, Cols: []string{"gp", "trust"},
				Counts: [][]int{{11, 23}, {38, 9}}, ColsBelowSector: true, RowsBelowSector: true},
			want: "10 25 35 | 40 10 45 | 50 30 81",
		},
		{name: "no rows", tab: Table{Cols: []string{"a"}, RowsBelowSector: true}, want: "0 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Publish(tt.tab)
			if err != nil {
				t.Fatal(err)
			}
			if got := layout(p); got != tt.want {
				t.Errorf("published\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// Publish refuses tables it cannot read, naming the row and column.
func TestPublishRefuses(t *testing.T) {
	tests := []struct {
		name, want string
		tab        Table
	}{
		{"ragged", `row "North": 1 counts for 2 columns`, Table{Rows: []string{"North"}, Cols: []string{"a", "b"}, Counts: [][]int{{1}}}},
		{"missing rows", "0 rows of counts for 1 row names", Table{Rows: []string{"North"}}},
		{"negative", `row "North", column "a": negative count -1`, Table{Rows: []string{"North"}, Cols: []string{"a"}, Counts: [][]int{{-1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Publish(tt.tab); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Publish: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// Share computes percentages from the published figures.
func TestShare(t *testing.T) {
	if pct, ok := Share(Cell{Value: 10, Mark: Rounded}, Cell{Value: 40, Mark: Rounded}); !ok || pct != 25 {
		t.Errorf("10 of 40 = %v, %v; want 25", pct, ok)
	}
	for _, c := range [][2]Cell{{{Mark: Suppressed}, {Value: 40}}, {{Value: 5}, {Mark: Suppressed}}, {{Value: 0}, {Value: 0}}} {
		if _, ok := Share(c[0], c[1]); ok {
			t.Errorf("Share(%v, %v) given, want none", c[0], c[1])
		}
	}
}

// layout writes p's rows as "cells… total" joined by " | ", then the column totals and
// the grand total.
func layout(p Published) string {
	var rows []string
	for i, r := range p.Cells {
		var f []string
		for _, c := range r {
			f = append(f, c.String())
		}
		rows = append(rows, strings.Join(append(f, p.RowTotals[i].String()), " "))
	}
	var f []string
	for _, c := range p.ColTotals {
		f = append(f, c.String())
	}
	return strings.Join(append(rows, strings.Join(append(f, p.Total.String()), " ")), " | ")
}
