package storetest

import (
	"encoding/json"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Audits returns the audit entries f selects, newest first (up to vigil.MaxLimit when f
// sets no limit): what the tests of every use case read to check the entry it wrote.
func Audits(t testing.TB, s *store.Store, f vigil.AuditFilter) []vigil.AuditEntry {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = vigil.MaxLimit
	}
	es, _, err := s.ListAudit(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// AuditDetail decodes an audit entry's detail.
func AuditDetail(t testing.TB, e vigil.AuditEntry) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
		t.Fatalf("audit detail %q: %v", e.Detail, err)
	}
	return d
}
