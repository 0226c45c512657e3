package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A pull stored in several batches withdraws, when complete, only what no batch held;
// EachChanged pages through what the import added or changed, and the change is counted
// once, at Finish.
func TestSourceImportInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		feed := func(n int, tlp vigil.TLP) []vigil.Indicator {
			out := make([]vigil.Indicator, n)
			for i := range out {
				out[i] = ind(vigil.TypeDomain, fmt.Sprintf("host%03d.evil.example", i), tlp)
			}
			return out
		}
		pull := func(inds []vigil.Indicator, batch int, complete bool) (store.SourceChange, []string) {
			t.Helper()
			imp, err := s.BeginSourceImport("list")
			if err != nil {
				t.Fatal(err)
			}
			for b := range slices.Chunk(inds, batch) {
				if _, err := imp.Store(ctx, b); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := s.Versions(ctx)
			total, err := imp.Finish(ctx, complete)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := s.Versions(ctx)
			if changed := total.Added+total.Withdrawn > 0; changed != (after.Intel > before.Intel) {
				t.Errorf("%+v: intel version %d → %d", total, before.Intel, after.Intel)
			}
			var changed []string
			if err := imp.EachChanged(ctx, 7, func(page []vigil.Indicator) error {
				if len(page) > 7 {
					t.Errorf("page of %d, want at most 7", len(page))
				}
				for _, i := range page {
					changed = append(changed, i.Value+" "+string(i.Provenance.TLP))
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return total, changed
		}
		total, changed := pull(feed(50, vigil.TLPClear), 9, true)
		if total.Added != 50 || total.Refreshed != 0 || len(changed) != 50 {
			t.Errorf("first pull: %+v, %d changed; want 50 added and changed", total, len(changed))
		}
		// The same 50 again: nothing new, nothing changed, no new version.
		if total, changed = pull(feed(50, vigil.TLPClear), 20, true); total.Refreshed != 50 || len(changed) != 0 {
			t.Errorf("same pull: %+v, changed %v; want 50 refreshed and none changed", total, changed)
		}
		// 30 of them, 5 re-marked AMBER, in batches of 4: 20 withdrawn, 5 changed.
		next := feed(30, vigil.TLPClear)
		for i := range 5 {
			next[i].Provenance.TLP = vigil.TLPAmber
		}
		total, changed = pull(next, 4, true)
		if total.Refreshed != 30 || total.Withdrawn != 20 || len(changed) != 5 {
			t.Errorf("smaller pull: %+v, changed %v; want 30 refreshed, 20 withdrawn, 5 changed", total, changed)
		}
		for _, c := range changed {
			if c[len(c)-5:] != "AMBER" {
				t.Errorf("changed %q, want only the re-marked", c)
			}
		}
		if n, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM indicators`); n != 30 {
			t.Errorf("%d indicators left, want 30", n)
		}
		// A delta adds without withdrawing.
		if total, _ = pull(feed(40, vigil.TLPClear)[35:], 2, false); total.Added != 5 || total.Withdrawn != 0 {
			t.Errorf("delta: %+v, want 5 added, none withdrawn", total)
		}
	})
}

// One batch mixing values the source holds (one of them re-marked), values only another
// source holds and values the store does not hold: each row finds its indicator, the
// new ones added once, and the counts say which claims were new or changed.
func TestSourceImportMixedBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		held := []vigil.Indicator{ind(vigil.TypeDomain, "held.example", vigil.TLPClear),
			ind(vigil.TypeDomain, "remarked.example", vigil.TLPClear)}
		other := []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.7", vigil.TLPGreen)}
		if _, err := s.UpsertSourceIndicators(ctx, "list", held); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertSourceIndicators(ctx, "partner", other); err != nil {
			t.Fatal(err)
		}
		batch := []vigil.Indicator{held[0], ind(vigil.TypeDomain, "remarked.example", vigil.TLPAmber), other[0],
			ind(vigil.TypeDomain, "new.example", vigil.TLPClear), ind(vigil.TypeURL, "https://new.example/x", vigil.TLPClear)}
		imp, err := s.BeginSourceImport("list")
		if err != nil {
			t.Fatal(err)
		}
		ch, err := imp.Store(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		var changed []string
		for _, c := range ch.Changed {
			changed = append(changed, c.Value)
		}
		slices.Sort(changed)
		want := []string{"192.0.2.7", "https://new.example/x", "new.example", "remarked.example"}
		if ch.Added != 3 || ch.Refreshed != 2 || !slices.Equal(changed, want) {
			t.Errorf("batch: %d added, %d refreshed, changed %v; want 3, 2, %v", ch.Added, ch.Refreshed, changed, want)
		}
		if _, err := imp.Finish(ctx, false); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM indicators`); n != 5 {
			t.Errorf("%d indicators, want 5", n)
		}
		for _, in := range batch {
			si, err := s.GetIndicator(ctx, in.Type, in.Value)
			if err != nil {
				t.Fatal(err)
			}
			var sources []string
			for _, src := range si.Sources {
				sources = append(sources, src.Source+" "+string(src.TLP))
			}
			slices.Sort(sources)
			want := []string{"list " + string(in.Provenance.TLP)}
			if in.Value == "192.0.2.7" {
				want = []string{"list GREEN", "partner GREEN"}
			}
			if !slices.Equal(sources, want) {
				t.Errorf("%s: claims %v, want %v", in.Value, sources, want)
			}
		}
	})
}

// A batch of more new values than one insert takes (newIDsPerInsert), with values the
// store holds between them, stores every value once, each with its own id and claim.
func TestSourceImportLargeBatchOfNewValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		value := func(i int) string { return fmt.Sprintf("host%04d.evil.example", i) }
		var held, batch []vigil.Indicator
		for i := range 1234 {
			in := ind(vigil.TypeDomain, value(i), vigil.TLPGreen)
			if i%7 == 0 {
				held = append(held, in)
			}
			batch = append(batch, in)
		}
		if _, err := s.UpsertSourceIndicators(ctx, "list", held); err != nil {
			t.Fatal(err)
		}
		ch, err := s.UpsertSourceIndicators(ctx, "list", batch)
		if err != nil {
			t.Fatal(err)
		}
		if want := len(batch) - len(held); ch.Added != want {
			t.Errorf("added %d, want %d", ch.Added, want)
		}
		ids := map[int64]string{}
		for i := range batch {
			si, err := s.GetIndicator(ctx, vigil.TypeDomain, value(i))
			if err != nil {
				t.Fatalf("%s: %v", value(i), err)
			}
			if len(si.Sources) != 1 || si.Sources[0].Source != "list" {
				t.Errorf("%s: claims %+v, want one from list", value(i), si.Sources)
			}
			if other, dup := ids[si.ID]; dup {
				t.Errorf("%s and %s share id %d", value(i), other, si.ID)
			}
			ids[si.ID] = value(i)
		}
	})
}
