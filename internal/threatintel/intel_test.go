package threatintel_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// analyst is the sector analyst the tests act as.
var analyst = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}

// newIntelService builds a Service over s whose clock reads *now.
func newIntelService(t *testing.T, s *store.Store, now *atomic.Pointer[time.Time]) *threatintel.Service {
	t.Helper()
	clock := func() time.Time {
		if p := now.Load(); p != nil {
			return *p
		}
		return time.Now()
	}
	c := threatintel.New(threatintel.Deps{Store: s, Now: clock, AllowPrivate: loopback})
	if err := c.Recompile(t.Context()); err != nil {
		t.Fatal(err)
	}
	return c
}

// matches returns the sources of the live snapshot's entries for the observable.
func matches(c *threatintel.Service, t vigil.IndicatorType, v string) []string {
	snap := c.Matcher()
	var out []string
	for _, id := range snap.Lookup(vigil.Observable{Type: t, Value: v}, nil) {
		for _, p := range snap.Entry(id).Sources {
			out = append(out, p.Source)
		}
	}
	return out
}

func TestUploadMatchesAndReuploadRefreshes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		list := "# partner list\n192.0.2.7\nevil.example\nnot an indicator\n"
		rep, err := c.Import(ctx, analyst, threatintel.Upload{Source: "partner", TLP: vigil.TLPAmber, Name: "list.txt"}, strings.NewReader(list))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total != 2 || rep.Rejected != 1 || rep.ByType[vigil.TypeIPv4] != 1 {
			t.Errorf("report %+v: want 2 accepted (1 ipv4), 1 rejected", rep)
		}
		if got := matches(c, vigil.TypeDomain, "www.evil.example"); len(got) != 1 || got[0] != "partner" {
			t.Errorf("www.evil.example matched %v, want partner's evil.example", got)
		}
		before, err := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
		if err != nil {
			t.Fatal(err)
		}
		if before.Sources[0].TLP != vigil.TLPAmber {
			t.Errorf("TLP %q, want the upload's AMBER", before.Sources[0].TLP)
		}

		// The same file again: nothing new, the claims refreshed, nothing withdrawn.
		if _, err := c.Import(ctx, analyst, threatintel.Upload{Source: "partner", Name: "list.txt"}, strings.NewReader("192.0.2.7\n")); err != nil {
			t.Fatal(err)
		}
		after, _ := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
		if after.Sources[0].Published.Before(before.Sources[0].Published) || !after.Sources[0].Added.Equal(before.Sources[0].Added) {
			t.Errorf("re-upload: added %v→%v published %v→%v", before.Sources[0].Added, after.Sources[0].Added, before.Sources[0].Published, after.Sources[0].Published)
		}
		if got := matches(c, vigil.TypeDomain, "evil.example"); len(got) != 1 {
			t.Errorf("evil.example matched %v after an upload without it: uploads never withdraw", got)
		}
		f, err := s.GetFeedByName(ctx, "partner")
		if err != nil || f.Kind != vigil.FeedUpload || f.Indicators != 2 || f.Status != vigil.FeedOK {
			t.Errorf("upload feed %+v %v: want registered, ok, holding 2", f, err)
		}
	})
}

func TestUploadUnderAPulledFeedsNameIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		if _, err := s.CreateFeed(t.Context(), vigil.Feed{Name: "botnets", Kind: vigil.FeedURL, URL: "https://feeds.example/x", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		_, err := c.Import(t.Context(), analyst, threatintel.Upload{Source: "botnets"}, strings.NewReader("192.0.2.7\n"))
		if vigil.ErrorCode(err) != vigil.ECONFLICT || !strings.Contains(vigil.ErrorMessage(err), "another source name") {
			t.Errorf("err %v, want a conflict that says to use another name", err)
		}
	})
}

// listServer serves a plain list whose body and status the test sets.
type listServer struct {
	body   atomic.Pointer[string]
	status atomic.Int32
}

func (l *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if code := int(l.status.Load()); code != 0 && code != http.StatusOK {
		http.Error(w, "upstream broke", code)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(*l.body.Load()))
}

func TestFeedPulls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		ls := &listServer{}
		body := "192.0.2.7\n198.51.100.9\n"
		ls.body.Store(&body)
		srv := httptest.NewServer(ls)
		t.Cleanup(srv.Close)
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "botnets", Kind: vigil.FeedURL, URL: srv.URL + "/list.txt", TLP: vigil.TLPGreen, Reliability: 'B', Credibility: 2, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("first pull loads the list", func(t *testing.T) {
			got, err := c.PullFeed(ctx, analyst, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != vigil.FeedOK || got.Indicators != 2 || got.LastSuccessAt.IsZero() {
				t.Errorf("feed %+v: want ok with 2 indicators", got)
			}
			if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 1 || m[0] != "botnets" {
				t.Errorf("192.0.2.7 matched %v, want botnets", m)
			}
			si, _ := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
			if p := si.Sources[0]; p.TLP != vigil.TLPGreen || p.Reliability != 'B' || p.Credibility != 2 {
				t.Errorf("claim %+v: want the feed's GREEN and B2", p)
			}
		})
		t.Run("a failing pull keeps the indicators and shows the error", func(t *testing.T) {
			ls.status.Store(http.StatusInternalServerError)
			got, err := c.PullFeed(ctx, analyst, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != vigil.FeedError || !strings.Contains(got.LastError, "500") || got.Indicators != 2 {
				t.Errorf("feed %+v: want status error naming the 500, indicators kept", got)
			}
			if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 1 {
				t.Errorf("192.0.2.7 matched %v after a failed pull, want it kept", m)
			}
		})
		t.Run("a complete pull withdraws what the list dropped", func(t *testing.T) {
			ls.status.Store(http.StatusOK)
			body := "198.51.100.9\n203.0.113.5\n"
			ls.body.Store(&body)
			got, err := c.PullFeed(ctx, analyst, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != vigil.FeedOK || got.LastError != "" || got.Indicators != 2 {
				t.Errorf("feed %+v: want ok again with 2 indicators", got)
			}
			if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 0 {
				t.Errorf("192.0.2.7 still matches %v after the list dropped it", m)
			}
			if m := matches(c, vigil.TypeIPv4, "203.0.113.5"); len(m) != 1 {
				t.Errorf("203.0.113.5 matched %v, want the new entry", m)
			}
		})
		t.Run("an upload feed has nothing to pull", func(t *testing.T) {
			up, err := s.CreateFeed(ctx, vigil.Feed{Name: "uploads", Kind: vigil.FeedUpload, Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.PullFeed(ctx, analyst, up.ID); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("pull of an upload feed: %v, want invalid", err)
			}
		})
		t.Run("deleting the feed withdraws its indicators", func(t *testing.T) {
			if err := c.DeleteFeed(ctx, analyst, f.ID); err != nil {
				t.Fatal(err)
			}
			if m := matches(c, vigil.TypeIPv4, "203.0.113.5"); len(m) != 0 {
				t.Errorf("203.0.113.5 matched %v after its feed was deleted", m)
			}
		})
	})
}

func TestStaleIndicatorsStopMatchingUntilSighted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		hash := strings.Repeat("ab", 32)
		if _, err := c.Import(ctx, analyst, threatintel.Upload{Source: "partner"}, strings.NewReader("192.0.2.7\n"+hash+"\n")); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(400 * 24 * time.Hour)
		now.Store(&later)
		if err := c.RecompileAll(ctx); err != nil { // the hourly decay rebuild
			t.Fatal(err)
		}
		if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 0 {
			t.Errorf("an IP published 400 days ago still matches (%v)", m)
		}
		if m := matches(c, vigil.TypeSHA256, hash); len(m) != 1 {
			t.Errorf("a file hash matched %v 400 days on, want it kept: hashes do not go stale", m)
		}
		si, _ := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
		if a := threatintel.Assess(si, later); a.Matching || a.Why == "" || a.Score >= 0.2 {
			t.Errorf("assessment %+v: want not matching, a low score and a reason", a)
		}

		if err := s.MarkSighted(ctx, vigil.TypeIPv4, "192.0.2.7", later); err != nil {
			t.Fatal(err)
		}
		if err := c.RecompileAll(ctx); err != nil {
			t.Fatal(err)
		}
		if m := matches(c, vigil.TypeIPv4, "192.0.2.7"); len(m) != 1 {
			t.Errorf("a sighted IP matched %v, want its decay reset", m)
		}
	})
}

// TestUnreadableUploadIsRefused: an upload nothing can be read from (a JSON file in no
// intel format) is refused with the reason, not reported as an import of nothing, and
// its feed shows the error; a later good upload clears it.
func TestUnreadableUploadIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		_, err := c.Import(t.Context(), analyst, threatintel.Upload{Source: "partner", Name: "index.json"},
			strings.NewReader(`{"name": "an index of files", "files": ["a.json"]}`))
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "nothing in the upload could be read as intel: index.json: not a supported intel format") {
			t.Fatalf("err %v, want EINVALID naming the file and why", err)
		}
		f, err := s.GetFeedByName(t.Context(), "partner")
		if err != nil || f.Status != vigil.FeedError || !strings.Contains(f.LastError, "not a supported intel format") {
			t.Errorf("feed %+v %v: want its status error, saying why", f, err)
		}
		if _, err := c.Import(t.Context(), analyst, threatintel.Upload{Source: "partner", Name: "list.txt"}, strings.NewReader("192.0.2.7\n")); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.GetFeedByName(t.Context(), "partner"); f.Status != vigil.FeedOK || f.Indicators != 1 {
			t.Errorf("feed %+v after a good upload: want ok, holding 1", f)
		}
	})
}
