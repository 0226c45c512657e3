package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestWholeSetPullListsEveryClaimWithoutRewritingThem checks what a list feed's re-pull
// does to publication times: the claims it holds unchanged are read as published at the
// pull (every read: the matcher's, kept or not, the indicator list, the export) while
// their rows keep the time they had, so the matcher's kept ranges stay valid; a claim the
// pull changed, and a claim a delta import sends again, are published anew in their rows;
// "not modified" lists them all again; renaming the feed keeps its listing and deleting
// it forgets the listing.
func TestWholeSetPullListsEveryClaimWithoutRewritingThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		t0 := clk.now()
		set := func(conf int) []vigil.Indicator {
			return []vigil.Indicator{
				{Type: vigil.TypeIPv4, Value: "192.0.2.1", Provenance: vigil.Provenance{Confidence: 50}},
				{Type: vigil.TypeDomain, Value: "evil.example", Provenance: vigil.Provenance{Confidence: conf}},
			}
		}
		if _, err := s.CreateFeed(ctx, feed("list")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReplaceSourceIndicators(ctx, "list", set(50)); err != nil {
			t.Fatal(err)
		}
		readKept(t, s) // keeps both ranges
		// published returns when value is read as published, and whether its row says at.
		published := func(value string, at time.Time) (read time.Time, rowAt bool) {
			t.Helper()
			si, err := s.GetIndicator(ctx, typeOf(value), value)
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.QueryInt(ctx, `SELECT count(*) FROM indicator_sources WHERE indicator_id = ? AND published_at = ?`,
				si.ID, at.UTC().Format("2006-01-02T15:04:05.000000Z"))
			if err != nil {
				t.Fatal(err)
			}
			return si.Sources[0].Published, n == 1
		}

		clk.advance(time.Hour)
		t1 := clk.now()
		if _, err := s.ReplaceSourceIndicators(ctx, "list", set(70)); err != nil { // the domain's confidence changed
			t.Fatal(err)
		}
		if read, kept := published("192.0.2.1", t0); !read.Equal(t1) || !kept {
			t.Errorf("held unchanged: read as published %v (want the pull, %v); row kept at %v: %v", read, t1, t0, kept)
		}
		if read, row := published("evil.example", t1); !read.Equal(t1) || !row {
			t.Errorf("changed: read as published %v, row at %v: %v; want both %v", read, t1, row, t1)
		}
		for _, si := range readDirect(t, s) {
			if !si.Sources[0].Published.Equal(t1) {
				t.Errorf("the matcher's read: %s published %v, want %v", si.Value, si.Sources[0].Published, t1)
			}
		}
		if diff := readKept(t, s); len(diff) != 2 || !diff[0].Sources[0].Published.Equal(t1) {
			t.Errorf("the kept read: %+v, want both published %v", diff, t1)
		}

		readKept(t, s)
		clk.advance(time.Hour)
		t2 := clk.now()
		if _, err := s.ReplaceSourceIndicators(ctx, "list", set(70)); err != nil { // nothing changed
			t.Fatal(err)
		}
		if n, want := validKept(t, s), readRanges(t, s); n != want {
			t.Errorf("%d kept ranges still valid after a re-pull that changed nothing, want all %d", n, want)
		}
		exported := 0
		if err := s.EachIndicator(ctx, func(si vigil.StoredIndicator) error {
			exported++
			if !si.Sources[0].Published.Equal(t2) {
				t.Errorf("the export: %s published %v, want %v", si.Value, si.Sources[0].Published, t2)
			}
			return nil
		}); err != nil || exported != 2 {
			t.Fatalf("export: %d indicators, %v", exported, err)
		}

		clk.advance(time.Hour)
		t3 := clk.now()
		if _, err := s.UpsertSourceIndicators(ctx, "list", set(70)[:1]); err != nil { // a delta sends one again
			t.Fatal(err)
		}
		if read, row := published("192.0.2.1", t3); !read.Equal(t3) || !row {
			t.Errorf("sent again by a delta: read %v, row at %v: %v; want both %v", read, t3, row, t3)
		}

		clk.advance(time.Hour)
		t4 := clk.now()
		if err := s.ConfirmListing(ctx, "list", t4); err != nil {
			t.Fatal(err)
		}
		if read, _ := published("evil.example", t4); !read.Equal(t4) {
			t.Errorf("after \"not modified\": read as published %v, want %v", read, t4)
		}

		f, err := s.GetFeedByName(ctx, "list")
		if err != nil {
			t.Fatal(err)
		}
		name := "list-renamed"
		if _, err := s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if read, _ := published("evil.example", t4); !read.Equal(t4) {
			t.Errorf("after the feed was renamed: read as published %v, want %v", read, t4)
		}
		if _, _, err := s.DeleteFeed(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := s.QueryInt(ctx, `SELECT count(*) FROM source_listings`); err != nil || n != 0 {
			t.Errorf("listings left after the feed was deleted: %d, %v", n, err)
		}
	})
}

func typeOf(value string) vigil.IndicatorType {
	if value[0] >= '0' && value[0] <= '9' {
		return vigil.TypeIPv4
	}
	return vigil.TypeDomain
}
