package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// An organisation's admin uploads an inventory over the API, merges a second file into
// it, reads what was understood, and gets a clear 4xx for a file nothing could be read
// from or one over the size cap.
func TestInventoryAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := f.as("org_admin")
		base := "/api/v1/orgs/" + ownOrg + "/inventory"
		csv := "vendor,product,version,supplier\nMicrosoft,Windows 10,22H2,\n,,\nCarePlan Ltd,CarePlan Mobile,4.2,CarePlan Ltd\n"
		r := f.do(http.MethodPost, base+"?source=office&name=office.csv", csv, as)
		var rep struct {
			Format     string `json:"format"`
			Components int    `json:"components"`
			Stored     int    `json:"stored"`
			Problems   []struct{ Location, Reason string }
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &rep) != nil {
			t.Fatalf("upload = %d %s", r.status, r.body)
		}
		if rep.Format != "csv" || rep.Components != 2 || len(rep.Problems) != 1 || rep.Problems[0].Location != "line 3" {
			t.Errorf("report = %+v", rep)
		}
		r = f.do(http.MethodPost, base+"?source=office&mode=merge", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\n", as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"stored":3`) {
			t.Errorf("merge = %d %s", r.status, r.body)
		}
		r = f.do(http.MethodGet, base+"/components?source=office&limit=1", nil, as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"total":3`) || !strings.Contains(string(r.body), `"Windows 10"`) {
			t.Errorf("components = %d %s", r.status, r.body)
		}
		r = f.do(http.MethodGet, base, nil, as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"source":"office"`) || !strings.Contains(string(r.body), `"format":"purls"`) {
			t.Errorf("list = %d %s", r.status, r.body)
		}
		r = f.do(http.MethodPost, base+"?name=bom.json", `{"bomFormat": "CycloneDX", "components": [}`, as)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "bom.json") {
			t.Errorf("a broken file = %d %s", r.status, r.body)
		}
		r = f.do(http.MethodPost, base+"?source=..%2Fx", csv, as)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "source name") {
			t.Errorf("a bad source name = %d %s", r.status, r.body)
		}
		// Over the server's default 1 MB body limit, under the inventory cap.
		long := "vendor,product,version\n" + strings.Repeat("Acme,"+strings.Repeat("x", 1000)+",1.0\n", 1500)
		r = f.do(http.MethodPost, base+"?source=long&name=long.csv", long, as)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"stored":1500`) {
			t.Errorf("a 1.5 MB file = %d %.300s", r.status, r.body)
		}
		big := "vendor,product,version\n" + strings.Repeat("Acme,Thing,1.0\n", 21<<20/15)
		r = f.do(http.MethodPost, base+"?source=big&name=big.csv", big, as)
		if r.status != http.StatusRequestEntityTooLarge && r.status != http.StatusUnprocessableEntity {
			t.Errorf("a file over the cap = %d %.300s", r.status, r.body)
		}
		r = f.do(http.MethodDelete, base+"/office", nil, as)
		if r.status != http.StatusNoContent {
			t.Errorf("delete = %d %s", r.status, r.body)
		}
	})
}
