package store

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseStoreTimeAgreesWithTimeParse checks the matcher read's time parser against
// time.Parse: on the store's own layout it must give the same time, and anything else
// it must leave to time.Parse (report false).
func TestParseStoreTimeAgreesWithTimeParse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"2025-02-28T23:59:59.999999Z", "2024-02-29T00:00:00.000000Z", "2025-02-30T00:00:00.000000Z",
		"2025-13-01T00:00:00.000000Z", "2025-01-01T24:00:00.000000Z", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000000+01:00",
		"2025-01-01 00:00:00.000000Z", "2025-01-0xT00:00:00.000000Z", "",
		// the calendar's edges: eras, centuries that are not leap years, before 1970
		"0000-01-01T00:00:00.000000Z", "0000-02-29T12:00:00.000000Z", "0000-03-01T00:00:00.000000Z",
		"0001-01-01T00:00:00.000000Z", "1900-02-29T00:00:00.000000Z", "1969-12-31T23:59:59.999999Z",
		"2000-02-29T00:00:00.000000Z", "2100-02-29T00:00:00.000000Z", "2400-02-29T00:00:00.000000Z",
		"9999-12-31T23:59:59.999999Z", "2025-04-31T00:00:00.000000Z", "2025-12-31T23:59:59.000001Z"}
	for range 1000 {
		cases = append(cases, time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).UTC().Format(timeLayout))
	}
	for _, s := range cases {
		got, ok := parseStoreTime(s)
		want, err := time.Parse(timeLayout, s)
		if ok && (err != nil || !got.Equal(want) || got.Location() != time.UTC) {
			t.Errorf("parseStoreTime(%q) = %v; time.Parse says %v, %v", s, got, want, err)
		}
		if !ok && err == nil && len(s) == len(timeLayout) {
			t.Errorf("parseStoreTime(%q) refused what time.Parse reads as %v", s, want)
		}
	}
}
