package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListsSort: every list of the API takes ?sort= with the orders its documentation
// names, and refuses any other with a 422 whose error names them.
func TestListsSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, tc := range []struct {
			role, path, orders string
		}{
			{"sector_analyst", "/api/v1/alerts", "newest,last_seen,oldest,severity,org"},
			{"sector_analyst", "/api/v1/orgs", "ods_code,name,kind,region"},
			{"sector_admin", "/api/v1/users", "email,name,role,org,newest,last_sign_in"},
			{"sector_admin", "/api/v1/audit", "newest,oldest"},
			{"sector_analyst", "/api/v1/indicators", "newest,oldest,value,type,confidence,last_seen,last_sighted"},
			{"sector_analyst", "/api/v1/sightings", "newest,latest,count,org,indicator"},
			{"sector_analyst", "/api/v1/unrouted", "newest,last_seen,count,type"},
			{"sector_analyst", "/api/v1/outbox", "newest,oldest,org,kind"},
			{"sector_admin", "/api/v1/emails", "newest,oldest,status,attempts"},
			{"sector_admin", "/api/v1/webhook-deliveries", "newest,oldest,status,attempts"},
			{"sector_admin", "/api/v1/webhooks", "org,newest,kind"},
			{"sector_analyst", "/api/v1/feeds", "name,last_pull,status"},
		} {
			t.Run(tc.path, func(t *testing.T) {
				for _, sort := range strings.Split(tc.orders, ",") {
					if r := f.do("GET", tc.path+"?sort="+sort, nil, f.as(tc.role)); r.status != http.StatusOK {
						t.Errorf("sort=%s: %d, want 200: %s", sort, r.status, r.body)
					}
				}
				r := f.do("GET", tc.path+"?sort=colour", nil, f.as(tc.role))
				if r.status != http.StatusUnprocessableEntity {
					t.Fatalf("sort=colour: %d, want 422: %s", r.status, r.body)
				}
				if p := r.problem(t); len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Message, strings.ReplaceAll(tc.orders, ",", ", ")) ||
					p.Errors[0].Location != "query.sort" {
					t.Errorf("sort=colour: %+v, want an error at query.sort naming %s", p, tc.orders)
				}
			})
		}
	})
}
