package pages

import (
	"math"
	"strconv"

	"github.com/vigil-health/vigil/internal/chartscale"
)

// Charts are SVG drawn on the server from numbers: no script, nothing fetched, and the
// same numbers in a table beside each chart for people who cannot see it.

// series is one stacked part of a chart's bars: its name in the legend and table, and
// its colour (the legend and the table carry the words).
type series struct {
	Name, Fill string
}

// barChart is a stacked bar chart ready for the "barChart" template: coordinates in the
// SVG's own units, and the numbers again as table rows.
type barChart struct {
	// ID prefixes the ids of the chart's title and description.
	ID string
	// Title says what the chart shows; Desc sums it up in words.
	Title, Desc string
	// Width and Height are the view box.
	Width, Height int
	// Series are the stacked parts, bottom first.
	Series []series
	// Bars are the bars, left to right.
	Bars []chartBar
	// YTicks are the value axis's gridlines; XLabels label some bars.
	YTicks, XLabels []chartTick
	// PlotLeft, PlotRight and PlotBottom bound the plot area.
	PlotLeft, PlotRight, PlotBottom float64
	// Rows are the numbers as a table: one per bar.
	Rows []chartRow
}

// chartBar is one bar: its stacked segments, bottom first.
type chartBar struct {
	Segments []chartSegment
}

// chartSegment is one rectangle of a bar.
type chartSegment struct {
	X, Y, W, H float64
	Fill       string
	// Text is the segment's tooltip: "3 Mar: 4 high".
	Text string
}

// chartTick is a gridline or a label at a position.
type chartTick struct {
	X, Y  float64
	Label string
}

// chartRow is one bar's numbers: its label, a value per series, and their total.
type chartRow struct {
	Label  string
	Values []int
	Total  int
}

// Chart layout, in view-box units: room on the left for the value labels and below
// for the bar labels.
const (
	chartWidth  = 720
	chartHeight = 240
	chartLeft   = 44
	chartRight  = 712
	chartTop    = 8
	chartBottom = 208
)

// stackedBars lays out rows (each with one value per series, bottom first) as stacked
// bars, labelling every labelEvery-th bar from the last.
func stackedBars(id, title, desc string, ss []series, rows []chartRow, labelEvery int) barChart {
	c := barChart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: chartHeight, Series: ss, Rows: rows,
		PlotLeft: chartLeft, PlotRight: chartRight, PlotBottom: chartBottom}
	top := 0
	for _, r := range rows {
		top = max(top, r.Total)
	}
	top = niceCeiling(top)
	scale := float64(chartBottom-chartTop) / float64(top)
	for _, v := range []int{0, top / 2, top} {
		y := chartBottom - float64(v)*scale
		c.YTicks = append(c.YTicks, chartTick{X: chartLeft - 6, Y: round1(y), Label: strconv.Itoa(v)})
	}
	if len(rows) == 0 {
		return c
	}
	slot := float64(chartRight-chartLeft) / float64(len(rows))
	w := math.Max(slot*0.72, 1)
	for i, r := range rows {
		x := chartLeft + float64(i)*slot + (slot-w)/2
		var b chartBar
		y := float64(chartBottom)
		for j, v := range r.Values {
			if v == 0 {
				continue
			}
			h := float64(v) * scale
			y -= h
			b.Segments = append(b.Segments, chartSegment{X: round1(x), Y: round1(y), W: round1(w), H: round1(h),
				Fill: ss[j].Fill, Text: r.Label + ": " + strconv.Itoa(v) + " " + ss[j].Name})
		}
		c.Bars = append(c.Bars, b)
		if (len(rows)-1-i)%labelEvery == 0 {
			c.XLabels = append(c.XLabels, chartTick{X: round1(x + w/2), Y: chartBottom + 20, Label: r.Label})
		}
	}
	return c
}

// niceCeiling and round1 are the charts' shared arithmetic (package chartscale).
var niceCeiling, round1 = chartscale.Ceiling, chartscale.Round1

// formatNum writes a whole number with thousands separators, as people read them:
// 1,234,567.
func formatNum(n any) string {
	var v int64
	switch n := n.(type) {
	case int:
		v = int64(n)
	case int64:
		v = n
	default:
		return ""
	}
	s := strconv.FormatInt(v, 10)
	neg := v < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
