package threatintel_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestAListStillListedKeepsMatching: a list feed that still lists an address keeps it
// fresh whether it answers with the same list again or with "not modified" (an ETag
// match), so that a stable blocklist's entries do not decay out of matching while the
// list still carries them; once the list stops answering, they decay as before.
func TestAListStillListedKeepsMatching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		var notModified atomic.Bool
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if notModified.Load() && r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			_, _ = w.Write([]byte("192.0.2.7\n"))
		}))
		t.Cleanup(srv.Close)
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "stable", Kind: vigil.FeedURL, URL: srv.URL + "/list.txt", TLP: vigil.TLPGreen, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		pullAt := func(days int) {
			t.Helper()
			at := time.Now().Add(time.Duration(days) * 24 * time.Hour)
			now.Store(&at)
			if _, err := c.PullFeed(ctx, analyst, f.ID); err != nil {
				t.Fatal(err)
			}
			if err := c.RecompileAll(ctx); err != nil { // the hourly decay rebuild
				t.Fatal(err)
			}
		}
		pullAt(0)
		pullAt(200) // the same list again
		if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 1 {
			t.Errorf("listed again on day 200: matched %v, want it fresh", m)
		}
		notModified.Store(true)
		pullAt(400) // "not modified"
		if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 1 {
			t.Errorf("the list answered \"not modified\" on day 400: matched %v, want it fresh", m)
		}
		si, err := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
		if err != nil {
			t.Fatal(err)
		}
		if p := si.Sources[0].Published; p.Before(now.Load().Truncate(time.Microsecond)) {
			t.Errorf("published %v, want the last pull's %v", p, *now.Load())
		}
		later := now.Load().Add(400 * 24 * time.Hour) // the list is gone: nothing pulled since
		now.Store(&later)
		if err := c.RecompileAll(ctx); err != nil {
			t.Fatal(err)
		}
		if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 0 {
			t.Errorf("400 days after the last pull: matched %v, want it decayed", m)
		}
	})
}
