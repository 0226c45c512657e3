package threatintel_test

import (
	"net/http/httptest"
	"strings"
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
		// The feed is the source; the identity that created them inside the data is kept beside it.
		si, err := s.GetIndicator(ctx, vigil.TypeDomain, "nhsmail-login.example")
		if err != nil || len(si.Sources) != 1 || si.Sources[0].Source != "partner-cert" || si.Sources[0].Publisher != "Health Sector Partner CERT" {
			t.Errorf("stored claim %+v, %v: want source partner-cert published by Health Sector Partner CERT", si.Sources, err)
		}
	})
}

// TestCheckTAXIIFeed: before a TAXII feed is added, the analyst can see the API root's
// collections and whether the one chosen is there and readable, from the API root's
// address or the server's discovery address; nothing is stored.
func TestCheckTAXIIFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		ts, err := taxiitest.Open("../feeds/testdata/taxii.json")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(ts)
		t.Cleanup(srv.Close)
		tests := []struct {
			name, url, collection string
			wantOK                bool
			wantMessage           string
		}{
			{"the collection is there", srv.URL + "/health/", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", true, "is there and can be read"},
			{"from the discovery address", srv.URL + "/taxii2/", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", true, "is there and can be read"},
			{"no collection chosen yet", srv.URL + "/health/", "", false, "choose one of the API root's collections: 9e8d7c6b"},
			{"a wrong collection", srv.URL + "/health/", "0000", false, `collection "0000" is not in this API root; it has: 9e8d7c6b`},
			{"nothing listening", "http://127.0.0.1:1/health/", "0000", false, "the connection was refused: nothing answers at that host and port"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := c.CheckFeed(t.Context(), analyst, vigil.Feed{Kind: vigil.FeedTAXII, URL: tt.url, Collection: tt.collection})
				if err != nil {
					t.Fatal(err)
				}
				if got.OK != tt.wantOK || !strings.Contains(got.Message, tt.wantMessage) {
					t.Errorf("check = %v %q, want %v and a message containing %q", got.OK, got.Message, tt.wantOK, tt.wantMessage)
				}
			})
		}
		org := vigil.Principal{Email: "it@trust.example", Role: vigil.RoleOrgAdmin, Org: "RXX"}
		if _, err := c.CheckFeed(t.Context(), org, vigil.Feed{Kind: vigil.FeedTAXII, URL: srv.URL + "/health/"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation's admin checking a feed: %v, want forbidden", err)
		}
		if feeds, _ := s.ListFeeds(t.Context(), ""); len(feeds) != 0 {
			t.Errorf("checking stored %d feeds, want none", len(feeds))
		}
	})
}
