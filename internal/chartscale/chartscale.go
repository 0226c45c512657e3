// Package chartscale holds the arithmetic of the server-drawn SVG charts that the pages
// and the sector report share: a value axis whose top and halfway lines are round
// numbers, and coordinates short enough for the page.
package chartscale

import "math"

// Ceiling is the smallest of 2, 4, 6, 10, 20, 40, 60, 100… at or above n, so that the
// axis's halfway line is a whole number too.
func Ceiling(n int) int {
	for step := 1; ; step *= 10 {
		for _, m := range []int{2, 4, 6, 10} {
			if m*step >= n {
				return m * step
			}
		}
	}
}

// Round1 rounds to one decimal place: enough for a chart, and short in the page.
func Round1(f float64) float64 { return math.Round(f*10) / 10 }
