package exposure_test

import (
	"context"
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
