package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vex"
)

// A supplier's VEX document runs to megabytes: the API takes what the VEX page takes
// (vex.MaxDocument), not the 1 MB a JSON request is held to, and says 413 above it.
func TestVEXUploadTakesTheDocumentCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := f.as("org_admin")
		base := "/api/v1/orgs/" + ownOrg + "/vex?name="
		statements := make([]map[string]any, 0, 6000)
		for i := range cap(statements) {
			statements = append(statements, map[string]any{
				"vulnerability": map[string]string{"name": fmt.Sprintf("CVE-2026-%05d", i)},
				"products":      []map[string]string{{"@id": "pkg:maven/org.example/component-with-a-long-name-" + strings.Repeat("x", 100) + "@1.0"}},
				"status":        "not_affected", "justification": "vulnerable_code_not_present"})
		}
		doc, _ := json.Marshal(map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://supplier.example/vex",
			"author": "supplier", "timestamp": "2026-12-01T00:00:00Z", "version": 1, "statements": statements})
		if len(doc) <= 1<<20 {
			t.Fatalf("the document is %d bytes; the test needs one over 1 MB", len(doc))
		}
		r := f.do(http.MethodPost, base+"big.json", string(doc), as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"statements":6000`) {
			t.Fatalf("a %d-byte document = %d %.300s", len(doc), r.status, r.body)
		}
		over := `{"statements": [` + strings.Repeat(" ", vex.MaxDocument) + `]}`
		r = f.do(http.MethodPost, base+"over.json", over, as)
		if r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a document over %d bytes = %d %.300s", vex.MaxDocument, r.status, r.body)
		}
	})
}
