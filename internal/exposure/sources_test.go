package exposure_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestUpdateSource: the analysts change a source under the rules of registering one
// (a path only inside the advisory directory), nobody else may, and a source moved from
// a download to a mirrored file is read from the file on its next pull.
func TestUpdateSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		a, err := f.svc.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV,
			URL: "https://kev.example/kev.json", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		name := "CISA KEV"
		if _, err := f.svc.UpdateSource(ctx, ownAdmin, a.ID, vigil.AdvisorySourcePatch{Name: &name}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an organisation's admin changing a source: %v, want forbidden", err)
		}
		none, outside, inside := "", "/etc/passwd", filepath.Join(f.dir, "kev.json")
		if _, err := f.svc.UpdateSource(ctx, analyst, a.ID, vigil.AdvisorySourcePatch{URL: &none, Path: &outside}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a path outside the advisory directory: %v, want invalid", err)
		}
		f.copy("kev.json", "kev.json")
		a, err = f.svc.UpdateSource(ctx, analyst, a.ID, vigil.AdvisorySourcePatch{Name: &name, URL: &none, Path: &inside})
		if err != nil || a.Name != name || a.Path != inside || a.URL != "" {
			t.Fatalf("moved to the mirror: %+v, %v", a, err)
		}
		if a = f.pull(a.ID); a.Status != vigil.FeedOK || counts(t, a).New != 2 {
			t.Errorf("the pull after the move: %+v", a)
		}
	})
}

// TestPullsOneAtATime: "pull now" runs in the background; a second while it runs is a
// conflict that says so, and the source shows it is being pulled until it ends.
func TestPullsOneAtATime(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	ctx := context.Background()
	kev, _ := os.ReadFile("testdata/kev.json")
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		<-release
		_, _ = w.Write(kev)
	}))
	defer srv.Close()
	a, err := f.svc.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "KEV", Kind: vigil.AdvisoryKEV, URL: srv.URL + "/kev.json"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartPull(ctx, ownAdmin, a.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		t.Errorf("an organisation's admin pulling: %v, want forbidden", err)
	}
	done, err := f.svc.StartPull(ctx, analyst, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !f.svc.Pulling(a.ID) {
		t.Error("the source does not show the pull running")
	}
	if _, err := f.svc.StartPull(ctx, analyst, a.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("a second pull while one runs: %v, want a conflict", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.svc.WaitPulls()
	if f.svc.Pulling(a.ID) {
		t.Error("the source still shows a pull running after it ended")
	}
	if got, _ := f.svc.GetSource(ctx, analyst, a.ID); got.Status != vigil.FeedOK {
		t.Errorf("after the pull: %+v", got)
	}
}
