package reports

import (
	"strconv"

	"github.com/vigil-health/vigil/internal/chartscale"
	"github.com/vigil-health/vigil/internal/disclosure"
)

// Charts are SVG drawn on the server from a published table: one horizontal bar per
// row, stacked by column, with no script and nothing fetched. Suppressed counts are not
// drawn; the table beside each chart shows them as *.

// Chart is a table laid out as horizontal stacked bars, in the SVG's own units.
type Chart struct {
	// Title says what the chart shows; Desc sums it up in words.
	Title, Desc string
	// Width and Height are the view box.
	Width, Height int
	// Series are the columns drawn: a name and a colour each.
	Series []ChartSeries
	// Bars are the rows, top to bottom.
	Bars []ChartBar
	// Ticks are the value axis's gridlines.
	Ticks []ChartTick
	// PlotLeft, PlotRight, PlotTop and PlotBottom bound the plot area.
	PlotLeft, PlotRight, PlotTop, PlotBottom float64
	// Empty is true when there is nothing to draw.
	Empty bool
}

// ChartSeries is one column of the table as drawn.
type ChartSeries struct {
	Name, Fill string
}

// ChartBar is one row: its label and its segments, left to right.
type ChartBar struct {
	Label    string
	LabelY   float64
	Segments []ChartSegment
}

// ChartSegment is one rectangle of a bar and its tooltip.
type ChartSegment struct {
	X, Y, W, H float64
	Fill, Text string
}

// ChartTick is a gridline and its label.
type ChartTick struct {
	X     float64
	Label string
}

// palette colours the columns in order; severity tables start with critical, so red
// comes first. The legend and the table carry the words, never the colour alone.
var palette = []string{"#d5281b", "#ed8b00", "#005eb8", "#007f3b", "#330072", "#4c6272", "#7c2855", "#00a499"}

// Chart layout, in view-box units.
const (
	chartWidth  = 720
	chartLabels = 200 // room on the left for the row labels
	chartRight  = 700
	chartTop    = 8
	barPitch    = 30
	barHeight   = 20
	axisRoom    = 28
)

// chartOf lays out t as a chart.
func chartOf(t disclosure.Published) Chart {
	c := Chart{Title: t.Title, Width: chartWidth, PlotLeft: chartLabels, PlotRight: chartRight, PlotTop: chartTop,
		PlotBottom: float64(chartTop + barPitch*max(len(t.Rows), 1))}
	c.Height = int(c.PlotBottom) + axisRoom
	for j, col := range t.Cols {
		c.Series = append(c.Series, ChartSeries{Name: col, Fill: palette[j%len(palette)]})
	}
	top, suppressed := 0, false
	for _, row := range t.Cells {
		sum := 0
		for _, cell := range row {
			sum += cell.Value
			suppressed = suppressed || cell.Mark == disclosure.Suppressed
		}
		top = max(top, sum)
	}
	c.Desc = t.Title + ": one bar per row, stacked by column; the numbers are in the table that follows."
	if suppressed {
		c.Desc += " Suppressed counts (*) are not drawn."
	}
	if top == 0 {
		c.Empty = true
		return c
	}
	top = niceCeiling(top)
	scale := (chartRight - chartLabels) / float64(top)
	for _, v := range []int{0, top / 2, top} {
		c.Ticks = append(c.Ticks, ChartTick{X: round1(chartLabels + float64(v)*scale), Label: strconv.Itoa(v)})
	}
	for i, row := range t.Cells {
		y := float64(chartTop + i*barPitch)
		b := ChartBar{Label: t.Rows[i], LabelY: y + barHeight/2 + 4}
		x := float64(chartLabels)
		for j, cell := range row {
			if cell.Value == 0 {
				continue
			}
			w := float64(cell.Value) * scale
			b.Segments = append(b.Segments, ChartSegment{X: round1(x), Y: y, W: round1(w), H: barHeight,
				Fill: c.Series[j].Fill, Text: t.Rows[i] + ": " + cell.String() + " " + t.Cols[j]})
			x += w
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// niceCeiling and round1 are the charts' shared arithmetic (package chartscale).
var niceCeiling, round1 = chartscale.Ceiling, chartscale.Round1
