package match

import (
	"cmp"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"pgregory.net/rapid"
)

// TestApplyMatchesFullBuild checks that a Snapshot changed by one or more Applies
// answers every lookup as a Snapshot built from scratch with the claims as they stand
// after the changes: the same entries, most specific first, with the same sources.
func TestApplyMatchesFullBuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		claims := rapid.SliceOfN(genIndicator(), 0, 40).Draw(t, "base")
		s := build(claims)
		for range rapid.IntRange(1, 4).Draw(t, "changes") {
			changed := rapid.SliceOfN(genIndicator(), 0, 8).Draw(t, "changed")
			now := rapid.SliceOfN(genIndicator(), 0, 8).Draw(t, "claims")
			var ok bool
			if s, ok = s.Apply(changed, now); !ok {
				t.Fatal("Apply refused a small change")
			}
			claims = replaceClaims(claims, append(slices.Clone(changed), now...), now)
		}
		want := build(claims)
		if s.Len() != want.Len() {
			t.Fatalf("Len() = %d after the changes, a full build has %d", s.Len(), want.Len())
		}
		if diff := gocmp.Diff(want.Stats(), s.Stats()); diff != "" {
			t.Fatalf("Stats() (-full +applied):\n%s", diff)
		}
		for _, o := range rapid.SliceOfN(genObservable(), 1, 30).Draw(t, "observables") {
			if diff := gocmp.Diff(entries(want, o), entries(s, o)); diff != "" {
				t.Fatalf("Lookup(%s %q) (-full +applied):\n%s", o.Type, o.Value, diff)
			}
		}
	})
}

// TestApplyKeepsTheSnapshotItChanges checks that Apply leaves the Snapshot it starts
// from as it was: readers still holding it see no change.
func TestApplyKeepsTheSnapshotItChanges(t *testing.T) {
	p := vigil.Provenance{Source: "feed"}
	old := build([]vigil.Indicator{{Type: vigil.TypeIPv4, Value: "203.0.113.5", Provenance: p}})
	o := vigil.Observable{Type: vigil.TypeIPv4, Value: "203.0.113.5"}
	removed, ok := old.Apply([]vigil.Indicator{{Type: vigil.TypeIPv4, Value: "203.0.113.5"}}, nil)
	if !ok {
		t.Fatal("Apply refused")
	}
	added, _ := removed.Apply(nil, []vigil.Indicator{{Type: vigil.TypeDomain, Value: "evil.example", Provenance: p}})
	for _, tc := range []struct {
		name string
		s    *Snapshot
		hits int
		len  int
	}{{"before", old, 1, 1}, {"removed", removed, 0, 0}, {"then a domain added", added, 0, 1}} {
		if got := len(tc.s.Lookup(o, nil)); got != tc.hits || tc.s.Len() != tc.len {
			t.Errorf("%s: %d hits, Len %d; want %d, %d", tc.name, got, tc.s.Len(), tc.hits, tc.len)
		}
	}
	if n := added.OverlayLen(); n != 2 {
		t.Errorf("OverlayLen() = %d, want 2 (one removed, one added)", n)
	}
}

func build(claims []vigil.Indicator) *Snapshot {
	b := NewBuilder()
	for _, c := range claims {
		b.Add(c)
	}
	return b.Build()
}

// replaceClaims drops every claim on an indicator named in changed and adds now.
func replaceClaims(claims, changed, now []vigil.Indicator) []vigil.Indicator {
	gone := map[indicatorKey]bool{}
	for _, c := range changed {
		if k, ok := indicatorKeyOf(c.Type, c.Value); ok {
			gone[k] = true
		}
	}
	out := slices.DeleteFunc(slices.Clone(claims), func(c vigil.Indicator) bool {
		k, ok := indicatorKeyOf(c.Type, c.Value)
		return ok && gone[k]
	})
	return append(out, now...)
}

// entries returns what a lookup of o finds, each entry's sources in a fixed order: a
// Snapshot keeps them in the order they were added, which Apply does not promise.
func entries(s *Snapshot, o vigil.Observable) []Entry {
	var out []Entry
	for _, id := range s.Lookup(o, nil) {
		e := s.Entry(id)
		slices.SortFunc(e.Sources, func(a, b vigil.Provenance) int {
			return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Ref, b.Ref), cmp.Compare(a.Confidence, b.Confidence))
		})
		out = append(out, e)
	}
	return out
}

// TestApplyOrdersMatchesAcrossLayers checks that matches from the base and from the
// changes come most specific first together, as one Build orders them.
func TestApplyOrdersMatchesAcrossLayers(t *testing.T) {
	p := vigil.Provenance{Source: "feed"}
	base := build([]vigil.Indicator{
		{Type: vigil.TypeCIDR, Value: "198.51.0.0/16", Provenance: p},
		{Type: vigil.TypeIPv4, Value: "198.51.100.7", Provenance: p},
		{Type: vigil.TypeDomain, Value: "example.com", Provenance: p},
	})
	s, _ := base.Apply(nil, []vigil.Indicator{
		{Type: vigil.TypeCIDR, Value: "198.51.100.0/24", Provenance: p},
		{Type: vigil.TypeDomain, Value: "evil.example.com", Provenance: p},
	})
	for _, tc := range []struct {
		o    vigil.Observable
		want []string
	}{
		{vigil.Observable{Type: vigil.TypeIPv4, Value: "198.51.100.7"}, []string{"198.51.100.7", "198.51.100.0/24", "198.51.0.0/16"}},
		{vigil.Observable{Type: vigil.TypeDomain, Value: "a.evil.example.com"}, []string{"evil.example.com", "example.com"}},
	} {
		var got []string
		for _, id := range s.Lookup(tc.o, nil) {
			got = append(got, s.Entry(id).Value)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Lookup(%s) = %q, want %q", tc.o.Value, got, tc.want)
		}
	}
}
