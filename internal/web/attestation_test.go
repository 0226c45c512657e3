package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The analyst applying a supplier's attestation over the API may add words of their
// own; they are kept on the attestation and a note over 2,000 characters is refused.
func TestApplyAttestationWithANote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := f.as("sector_analyst")
		path, _ := applyAttestation(f, "")
		r := f.do(http.MethodPost, "/api/v1"+path, map[string]any{"note": strings.Repeat("x", 2001)}, as)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("a note too long = %d %.300s", r.status, r.body)
		}
		r = f.do(http.MethodPost, "/api/v1"+path, map[string]any{"note": "Confirmed with the supplier."}, as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"applied_note":"Confirmed with the supplier."`) {
			t.Errorf("applied with a note = %d %.300s", r.status, r.body)
		}
	})
}
