package threatintel_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// An upload with more changes than are kept in memory still hands every new indicator
// to the hooks once, a page at a time, read back from the store; a repeat hands none.
func TestHooksSeeEveryChangeOfALargeUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		seen := map[string]int{}
		pages, biggest := 0, 0
		hook := func(_ context.Context, added []vigil.Indicator) {
			pages++
			biggest = max(biggest, len(added))
			for _, i := range added {
				if i.Provenance.Source != "bulk" || i.Provenance.TLP != vigil.TLPAmber {
					t.Errorf("hook got %+v, want source bulk, TLP:AMBER", i)
				}
				seen[i.Value]++
			}
		}
		c := threatintel.New(threatintel.Deps{Store: s, IndicatorsAdded: []func(context.Context, []vigil.Indicator){hook}})
		threatintel.SetHookLimits(c, 40, 25)
		var list strings.Builder
		for i := range 130 {
			fmt.Fprintf(&list, "host%d.evil.example\n", i)
		}
		up := threatintel.Upload{Source: "bulk", TLP: vigil.TLPAmber, Name: "bulk.txt"}
		if _, err := c.Import(ctx, analyst, up, strings.NewReader(list.String())); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 130 || pages != 6 || biggest != 25 {
			t.Errorf("hooks saw %d values in %d pages of at most %d, want 130 in 6 of 25", len(seen), pages, biggest)
		}
		for v, n := range seen {
			if n != 1 {
				t.Errorf("%s handed to the hooks %d times", v, n)
			}
		}
		pages = 0
		if _, err := c.Import(ctx, analyst, up, strings.NewReader(list.String())); err != nil || pages != 0 {
			t.Errorf("the same upload again: hooks called %d times (%v), want none", pages, err)
		}
	})
}

// A feed pull and a large upload run as jobs: each ends done with its progress and
// report, and is shown to who started it and to analysts, not to another sector admin.
func TestImportJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		var now atomic.Pointer[time.Time]
		c := newIntelService(t, s, &now)
		admin := vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
		other := vigil.Principal{Email: "other-admin@centre.example", Role: vigil.RoleSectorAdmin}
		ls := &listServer{}
		body := "192.0.2.60\n192.0.2.61\n"
		ls.body.Store(&body)
		srv := httptest.NewServer(ls)
		t.Cleanup(srv.Close)
		f, err := s.CreateFeed(ctx, vigil.Feed{Name: "c2 list", Kind: vigil.FeedURL, URL: srv.URL + "/list.txt", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		pull, err := c.StartFeedPull(ctx, admin, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		up, err := c.StartUpload(ctx, admin, threatintel.Upload{Source: "big", Name: "big.txt"},
			strings.NewReader("192.0.2.70\nnot an indicator\n192.0.2.71\n"))
		if err != nil {
			t.Fatal(err)
		}
		c.WaitJobs()
		got, err := c.Job(ctx, admin, pull.ID)
		if err != nil || got.State != vigil.JobDone || got.Progress.Stored != 2 || got.Progress.Added != 2 || !strings.Contains(string(got.Report), `"status":"ok"`) {
			t.Errorf("pull job %+v (%v), want done with 2 added and status ok", got, err)
		}
		got, err = c.Job(ctx, analyst, up.ID)
		var rep struct {
			Source   string
			Total    int
			Problems []struct{ Line int }
		}
		_ = json.Unmarshal(got.Report, &rep)
		if err != nil || got.State != vigil.JobDone || rep.Source != "big" || rep.Total != 2 || len(rep.Problems) != 1 || rep.Problems[0].Line != 2 {
			t.Errorf("upload job %+v %s (%v), want done with 2 read and the problem on line 2", got, got.Report, err)
		}
		if _, err := c.Job(ctx, other, up.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another sector admin reads the job: %v, want not found", err)
		}
		if _, err := c.Job(ctx, vigil.Principal{Email: "x@rxa.example", Role: vigil.RoleOrgAdmin}, up.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation admin reads the job: %v, want forbidden", err)
		}
		if matches(c, vigil.TypeIPv4, "192.0.2.71") == nil {
			t.Error("the uploaded indicators do not match after the job")
		}
	})
}
