package reports_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The report keeps its tally of the indicators received between reports, and a report
// made after the intelligence changes counts the change: an upload, and a feed's
// indicators withdrawn with the feed.
func TestSectorCountsIntelligenceAsItChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := reports.New(reports.Deps{Store: s})
		analyst := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
		received := func() int {
			t.Helper()
			r, err := svc.Sector(ctx, analyst, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			return indicatorsReceived(t, r)
		}
		if n := received(); n != 0 {
			t.Fatalf("an empty store received %d indicators", n)
		}
		if _, err := s.UpsertSourceIndicators(ctx, "upload", addresses(0, 20)); err != nil {
			t.Fatal(err)
		}
		if n := received(); n != 20 {
			t.Errorf("after uploading 20 indicators the report counts %d", n)
		}
		if n := received(); n != 20 {
			t.Errorf("asked again, the report counts %d, want the same 20", n)
		}
		feed, err := s.CreateFeed(ctx, vigil.Feed{Name: "partner", Kind: vigil.FeedURL, URL: "https://partner.example/feed", Schedule: time.Hour, TLP: vigil.TLPGreen, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertSourceIndicators(ctx, "partner", addresses(10, 40)); err != nil {
			t.Fatal(err)
		}
		if n := received(); n != 40 {
			t.Errorf("after a feed sent 30 more (and 10 again) the report counts %d, want 40", n)
		}
		if _, _, err := s.DeleteFeed(ctx, feed.ID); err != nil {
			t.Fatal(err)
		}
		if n := received(); n != 20 {
			t.Errorf("after the feed was deleted the report counts %d, want the upload's 20", n)
		}
	})
}

// People asking for the same report at once may share one build; each gets the whole
// report, which they may change without changing another's.
func TestSectorAskedForAtOnce(t *testing.T) {
	s := storetest.Open(t)
	if _, err := s.UpsertSourceIndicators(t.Context(), "upload", addresses(0, 12)); err != nil {
		t.Fatal(err)
	}
	svc := reports.New(reports.Deps{Store: s})
	analyst := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r, err := svc.Sector(t.Context(), analyst, time.Time{}, time.Time{})
			if err != nil {
				t.Error(err)
				return
			}
			if n := indicatorsReceived(t, r); n != 12 {
				t.Errorf("the report counts %d indicators received, want 12", n)
			}
			for i := range r.Sections {
				r.Sections[i].Figures = append(r.Sections[i].Figures[:0], reports.Figure{Label: "changed by one reader"})
			}
		})
	}
	wg.Wait()
}

// addresses are the IPv4 indicators 192.0.2.from to 192.0.2.(to-1).
func addresses(from, to int) []vigil.Indicator {
	var out []vigil.Indicator
	for i := from; i < to; i++ {
		out = append(out, vigil.Indicator{Type: vigil.TypeIPv4, Value: fmt.Sprintf("192.0.2.%d", i),
			Provenance: vigil.Provenance{TLP: vigil.TLPGreen, Reliability: 'B', Credibility: 2, Confidence: 70}})
	}
	return out
}

// indicatorsReceived is the whole-sector total of the report's indicators received.
func indicatorsReceived(t *testing.T, r reports.Report) int {
	t.Helper()
	for _, s := range r.Sections {
		if s.ID == "feeds" {
			return s.Tables[0].Total.Value
		}
	}
	t.Fatal("the report has no feeds section")
	return 0
}
