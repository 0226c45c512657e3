package threatintel_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestRecompileAppliesChangesAsAFullRebuildWould changes stored intel in every way the
// store can (new indicators, a second source, changed labels and TLP, expired claims,
// withdrawals, a feed renamed and deleted) and after each change compares what
// Recompile applied on top of the running snapshot with a full rebuild by another
// server: every lookup must find the same entries with the same sources.
func TestRecompileAppliesChangesAsAFullRebuildWould(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		node := threatintel.New(threatintel.Deps{Store: s})
		values := func(from, to int, tlp vigil.TLP, labels ...string) []vigil.Indicator {
			var out []vigil.Indicator
			for i := from; i < to; i++ {
				p := vigil.Provenance{TLP: tlp, Labels: labels, Confidence: 50}
				out = append(out,
					vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprintf("203.0.113.%d", i), Provenance: p},
					vigil.Indicator{Type: vigil.TypeDomain, Value: fmt.Sprintf("d%d.evil.example", i), Provenance: p},
					vigil.Indicator{Type: vigil.TypeCIDR, Value: fmt.Sprintf("198.51.%d.0/24", i), Provenance: p})
			}
			return out
		}
		must := func(_ store.SourceChange, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.ReplaceSourceIndicators(ctx, "feed-a", values(0, 40, vigil.TLPGreen, "c2")))
		if err := node.Recompile(ctx); err != nil { // the first compile is a full one
			t.Fatal(err)
		}
		feed, err := s.CreateFeed(ctx, vigil.Feed{Name: "feed-b", Kind: vigil.FeedUpload, Schedule: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		expired := values(30, 35, vigil.TLPGreen)
		for i := range expired {
			expired[i].Provenance.ValidUntil = time.Now().Add(-time.Hour)
		}
		newName := "feed-b2"
		steps := []struct {
			name   string
			change func()
		}{
			{"new indicators", func() { must(s.UpsertSourceIndicators(ctx, "feed-a", values(40, 50, vigil.TLPGreen, "c2"))) }},
			{"a second source", func() { must(s.UpsertSourceIndicators(ctx, "feed-b", values(10, 20, vigil.TLPAmber))) }},
			{"labels and TLP changed", func() { must(s.UpsertSourceIndicators(ctx, "feed-a", values(0, 5, vigil.TLPRed, "c2", "phishing"))) }},
			{"withdrawn", func() { must(s.ReplaceSourceIndicators(ctx, "feed-a", values(5, 45, vigil.TLPGreen, "c2"))) }},
			{"expired", func() { must(s.UpsertSourceIndicators(ctx, "feed-b", expired)) }},
			{"source renamed", func() {
				if _, err := s.UpdateFeed(ctx, feed.ID, vigil.FeedPatch{Name: &newName}); err != nil {
					t.Fatal(err)
				}
			}},
			{"source deleted", func() {
				if _, _, err := s.DeleteFeed(ctx, feed.ID); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, st := range steps {
			st.change()
			if err := node.Recompile(ctx); err != nil {
				t.Fatal(err)
			}
			applied := node.Matcher()
			if applied.OverlayLen() == 0 {
				t.Fatalf("%s: Recompile rebuilt in full; the change should have been applied", st.name)
			}
			other := threatintel.New(threatintel.Deps{Store: s})
			if err := other.RecompileAll(ctx); err != nil {
				t.Fatal(err)
			}
			if node.MatcherVersion() != other.MatcherVersion() {
				t.Errorf("%s: version %d applied, %d rebuilt", st.name, node.MatcherVersion(), other.MatcherVersion())
			}
			full := other.Matcher()
			if applied.Len() != full.Len() {
				t.Errorf("%s: %d indicators applied, %d rebuilt", st.name, applied.Len(), full.Len())
			}
			for i := range 60 {
				for _, o := range []vigil.Observable{
					{Type: vigil.TypeIPv4, Value: fmt.Sprintf("203.0.113.%d", i)},
					{Type: vigil.TypeDomain, Value: fmt.Sprintf("www.d%d.evil.example", i)},
					{Type: vigil.TypeIPv4, Value: fmt.Sprintf("198.51.%d.9", i)},
				} {
					if diff := gocmp.Diff(found(full, o), found(applied, o)); diff != "" {
						t.Fatalf("%s: Lookup(%s) (-rebuilt +applied):\n%s", st.name, o.Value, diff)
					}
				}
			}
		}
	})
}

// found returns what a lookup of o finds, each entry's sources sorted by name.
func found(s *match.Snapshot, o vigil.Observable) []match.Entry {
	var out []match.Entry
	for _, id := range s.Lookup(o, nil) {
		e := s.Entry(id)
		slices.SortFunc(e.Sources, func(a, b vigil.Provenance) int { return cmp.Compare(a.Source, b.Source) })
		out = append(out, e)
	}
	return out
}
