package store_test

import (
	"cmp"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestSearchIndicatorsSorted pages through every order of the indicator list, with
// indicators that share a type, a confidence, a last-seen time or a sighting, some of
// them never seen or sighted, and some held by two sources that disagree.
func TestSearchIndicatorsSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
		types := []vigil.IndicatorType{vigil.TypeDomain, vigil.TypeIPv4, vigil.TypeURL}
		var a, b []vigil.Indicator // two sources' indicators
		for i := range 13 {
			v := map[vigil.IndicatorType]string{vigil.TypeDomain: "d%02d.example", vigil.TypeIPv4: "192.0.2.%d",
				vigil.TypeURL: "https://u%02d.example/"}[types[i%3]]
			in := ind(types[i%3], fmt.Sprintf(v, (i*7)%13), vigil.TLPClear)
			in.Provenance.Confidence = []int{80, -1, 50, 80}[i%4]
			if i%5 != 0 {
				in.Provenance.LastSeen = day.Add(time.Duration(i%3) * time.Hour)
			}
			a = append(a, in)
			if i%4 == 1 { // a second source more sure, and seeing it later
				in.Provenance.Confidence, in.Provenance.LastSeen = 90, day.Add(48*time.Hour)
				b = append(b, in)
			}
		}
		for src, inds := range map[string][]vigil.Indicator{"abuse.ch": a, "partner": b} {
			if _, err := s.UpsertSourceIndicators(ctx, src, inds); err != nil {
				t.Fatal(err)
			}
		}
		for i, in := range a {
			if i%3 == 1 {
				if err := s.MarkSighted(ctx, in.Type, in.Value, day.Add(time.Duration(i%2)*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
		}
		stored := all(t, s)
		newest := func(x, y vigil.StoredIndicator) int { return cmp.Compare(y.ID, x.ID) }
		most := func(f func(vigil.IndicatorSource) int64) func(vigil.StoredIndicator) int64 {
			return func(si vigil.StoredIndicator) int64 {
				m := f(si.Sources[0])
				for _, src := range si.Sources {
					m = max(m, f(src))
				}
				return m
			}
		}
		desc := func(f func(vigil.StoredIndicator) int64) func(x, y vigil.StoredIndicator) int {
			return func(x, y vigil.StoredIndicator) int { return cmp.Or(cmp.Compare(f(y), f(x)), newest(x, y)) }
		}
		asc := func(f func(vigil.StoredIndicator) string) func(x, y vigil.StoredIndicator) int {
			return func(x, y vigil.StoredIndicator) int { return cmp.Or(cmp.Compare(f(x), f(y)), newest(x, y)) }
		}
		unix := func(t time.Time) int64 { return t.UnixMicro() } // the zero time sorts first, as "never"
		list := func(sort vigil.IndicatorSort) listFunc[vigil.StoredIndicator] {
			return func(cursor string, limit int) ([]vigil.StoredIndicator, string, error) {
				return s.SearchIndicators(ctx, vigil.IndicatorFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		key := func(si vigil.StoredIndicator) string { return string(si.Type) + " " + si.Value }
		type c = sortCase[vigil.IndicatorSort, vigil.StoredIndicator]
		checkSorted(t, stored, key, list, c{"", newest}, c{vigil.IndicatorByNewest, newest},
			c{vigil.IndicatorByOldest, func(x, y vigil.StoredIndicator) int { return -newest(x, y) }},
			c{vigil.IndicatorByValue, asc(func(si vigil.StoredIndicator) string { return si.Value })},
			c{vigil.IndicatorByType, asc(func(si vigil.StoredIndicator) string { return string(si.Type) })},
			c{vigil.IndicatorByConfidence, desc(most(func(src vigil.IndicatorSource) int64 { return int64(src.Confidence) }))},
			c{vigil.IndicatorByLastSeen, desc(most(func(src vigil.IndicatorSource) int64 { return unix(src.LastSeen) }))},
			c{vigil.IndicatorByLastSighted, desc(func(si vigil.StoredIndicator) int64 { return unix(si.LastSighted) })})
		checkSortErrors(t, list, vigil.IndicatorByValue, vigil.IndicatorByType,
			"newest, oldest, value, type, confidence, last_seen, last_sighted")
	})
}

// TestIndicatorListByTypeWalksAnIndex checks that the list sorted by type (ascending,
// the newest first within a type) reads its page off an index rather than sorting every
// indicator of the type it starts in, which at a sector's size is most of them.
func TestIndicatorListByTypeWalksAnIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var inds []vigil.Indicator
		for i := range 200 {
			inds = append(inds, ind(vigil.TypeDomain, fmt.Sprintf("d%03d.example", i), vigil.TLPClear))
		}
		if _, err := s.UpsertSourceIndicators(ctx, "abuse.ch", inds); err != nil {
			t.Fatal(err)
		}
		plan, err := s.IndicatorListPlan(ctx, vigil.IndicatorByType)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "indicators_type") || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort") {
			t.Errorf("the list by type does not read the indicators_type index in order:\n%s", plan)
		}
	})
}
