package reports

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The support figures count every request asked and those answered, and give the
// median and 90th percentile (nearest rank) wait for a first reply in whole minutes
// over the answered ones only; with none answered, no times.
func TestWaitFigures(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name  string
		waits []time.Duration
		want  []int // asked, answered, median, p90
	}{
		{"none asked", nil, []int{0, 0}},
		{"none answered", []time.Duration{-1, -1}, []int{2, 0}},
		{"one", []time.Duration{7*m + 31*time.Second}, []int{1, 1, 8, 8}},
		{"unanswered left out of the times", []time.Duration{90 * m, -1, 10 * m, 40 * m}, []int{4, 3, 40, 90}},
		{"ten", []time.Duration{1 * m, 2 * m, 3 * m, 4 * m, 5 * m, 6 * m, 7 * m, 8 * m, 9 * m, 100 * m}, []int{10, 10, 5, 9}},
		{"eleven", []time.Duration{1 * m, 2 * m, 3 * m, 4 * m, 5 * m, 6 * m, 7 * m, 8 * m, 9 * m, 10 * m, 100 * m}, []int{11, 11, 6, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, f := range waitFigures(tt.waits) {
				got = append(got, f.Value.Value)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("waitFigures (-want +got):\n%s", diff)
			}
		})
	}
}
