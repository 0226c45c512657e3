package threatintel_test

import (
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestTAXIIPullThatFailsPartWayKeepsWhatItRead: a TAXII server that fails on page 2 no
// longer leaves the feed stuck in error with nothing stored: page 1's indicators match at
// once, the feed shows the error, and the next pull resumes after page 1.
func TestTAXIIPullThatFailsPartWayKeepsWhatItRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		ts, err := taxiitest.Open("../feeds/testdata/taxii.json")
		if err != nil {
			t.Fatal(err)
		}
		ts.SetMaxPageSize(2) // the identity and the first indicator, then three more
		srv := httptest.NewServer(ts)
		t.Cleanup(srv.Close)
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "partner-cert", Kind: vigil.FeedTAXII, URL: srv.URL + "/health/",
			Collection: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", TLP: vigil.TLPGreen, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		ts.Fail(taxiitest.Failure{Status: 503, After: 1})
		got, err := c.PullFeed(ctx, analyst, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != vigil.FeedError || got.Indicators != 1 {
			t.Errorf("feed after a failure on page 2: status %q with %d indicators, want error with page 1's one", got.Status, got.Indicators)
		}
		if m := matches(c, vigil.TypeIPv4, "198.51.100.23"); len(m) != 1 {
			t.Errorf("page 1's 198.51.100.23 matched %v, want it stored", m)
		}
		ts.Fail(taxiitest.Failure{})
		before := len(ts.Requests())
		if got, err = c.PullFeed(ctx, analyst, f.ID); err != nil {
			t.Fatal(err)
		}
		if got.Status != vigil.FeedOK || got.Indicators != 4 {
			t.Errorf("feed after resuming: status %q with %d indicators, want ok with 4", got.Status, got.Indicators)
		}
		if reqs := ts.Requests()[before:]; len(reqs) != 2 {
			t.Errorf("resumed with %d requests %q, want 2 pages after page 1", len(reqs), reqs)
		}
	})
}
