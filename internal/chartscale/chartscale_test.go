package chartscale

import "testing"

func TestCeiling(t *testing.T) {
	for n, want := range map[int]int{0: 2, 1: 2, 2: 2, 3: 4, 5: 6, 7: 10, 11: 20, 41: 60, 61: 100, 101: 200, 5999: 6000} {
		if got := Ceiling(n); got != want {
			t.Errorf("Ceiling(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestRound1(t *testing.T) {
	for f, want := range map[float64]float64{1.04: 1, 1.05: 1.1, 207.96: 208, -0.04: 0} {
		if got := Round1(f); got != want {
			t.Errorf("Round1(%v) = %v, want %v", f, got, want)
		}
	}
}
