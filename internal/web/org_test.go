package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// orgJSON is an organisation as a client decodes it.
type orgJSON struct {
	ODSCode   string   `json:"ods_code"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Region    string   `json:"region"`
	Parent    string   `json:"parent"`
	IPRanges  []string `json:"ip_ranges"`
	Domains   []string `json:"domains"`
	Hostnames []string `json:"hostnames"`
	Contacts  []struct {
		Name   string `json:"name"`
		Email  string `json:"email"`
		Notify string `json:"notify"`
	} `json:"contacts"`
}

type orgChangeJSON struct {
	Org      orgJSON `json:"org"`
	Overlaps []struct {
		Message string `json:"message"`
	} `json:"overlaps"`
}

type pageJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func TestOrgValidation(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	valid := `"name": "Example Care Home", "kind": "care_provider"`
	for _, tc := range []struct {
		name       string
		body       string
		wantStatus int
		wantDetail string // in the detail or one of the errors
	}{
		{"malformed JSON", `{"ods_code": "VN001", ` + valid, http.StatusBadRequest, ""},
		{"not an object", `["VN001"]`, http.StatusUnprocessableEntity, "expected object"},
		{"name of the wrong type", `{"ods_code": "VN001", "name": 5, "kind": "gp"}`, http.StatusUnprocessableEntity, "expected string"},
		{"ip_ranges not a list", `{"ods_code": "VN001", ` + valid + `, "ip_ranges": "192.0.2.0/24"}`, http.StatusUnprocessableEntity, "expected array"},
		{"unknown kind", `{"ods_code": "VN001", "name": "X", "kind": "hospital"}`, http.StatusUnprocessableEntity, "trust"},
		{"no name", `{"ods_code": "VN001", "kind": "gp"}`, http.StatusUnprocessableEntity, "name"},
		{"blank name", `{"ods_code": "VN001", "name": "  ", "kind": "gp"}`, http.StatusUnprocessableEntity, "name is required"},
		{"unknown field", `{"ods_code": "VN001", ` + valid + `, "colour": "red"}`, http.StatusUnprocessableEntity, "colour"},
		{"bad ODS code", `{"ods_code": "R!", ` + valid + `}`, http.StatusUnprocessableEntity, "ODS code \"R!\" is not valid"},
		{"a /7 range", `{"ods_code": "VN001", ` + valid + `, "ip_ranges": ["10.0.0.0/7"]}`, http.StatusUnprocessableEntity, "IP range \"10.0.0.0/7\""},
		{"not an address", `{"ods_code": "VN001", ` + valid + `, "ip_ranges": ["banana"]}`, http.StatusUnprocessableEntity, "IP range \"banana\""},
		{"a public suffix as domain", `{"ods_code": "VN001", ` + valid + `, "domains": ["nhs.uk"]}`, http.StatusUnprocessableEntity, "domain \"nhs.uk\""},
		{"unregistered parent", `{"ods_code": "VN001", ` + valid + `, "parent": "RZZ"}`, http.StatusUnprocessableEntity, "parent RZZ is not a registered organisation"},
		{"contact without a name", `{"ods_code": "VN001", ` + valid + `, "contacts": [{"email": "a@b.example"}]}`, http.StatusUnprocessableEntity, "name"},
		{"contact with a bad email", `{"ods_code": "VN001", ` + valid + `, "contacts": [{"name": "Ann", "email": "ann"}]}`, http.StatusUnprocessableEntity, "not an email address"},
		{"contact with an unknown notify choice", `{"ods_code": "VN001", ` + valid + `, "contacts": [{"name": "Ann", "email": "ann@a.example", "notify": "weekly"}]}`, http.StatusUnprocessableEntity, "immediate"},
		{"existing ODS code", `{"ods_code": "rxa", ` + valid + `}`, http.StatusConflict, "already registered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/api/v1/orgs", tc.body, f.as("sector_admin"))
			if r.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
			}
			p := r.problem(t)
			text := p.Detail
			for _, e := range p.Errors {
				text += " | " + e.Location + ": " + e.Message
			}
			if !strings.Contains(text, tc.wantDetail) {
				t.Errorf("problem %q does not contain %q", text, tc.wantDetail)
			}
		})
	}
	if n := f.auditActions(t)["org.create"]; n != 0 {
		t.Errorf("%d org.create audit rows after only failures", n)
	}
}

func TestOrgLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		r := f.do("POST", "/api/v1/orgs", map[string]any{
			"ods_code": " rxc ", "name": "Example Hospital", "kind": "trust", "region": "London", "parent": "RXA",
			"ip_ranges": []string{"192.0.2.0/24", "2001:db8:1::/48"}, "domains": []string{"Hospital.Example"},
			"hostnames": []string{"vpn.other.example"}, "contacts": []map[string]string{{"name": "Ann", "email": "Ann@Hospital.Example"},
				{"name": "Bob", "email": "bob@hospital.example", "notify": "digest"}},
		}, f.as("sector_analyst"))
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var created orgChangeJSON
		r.decode(t, &created)
		o := created.Org
		if o.ODSCode != "RXC" || o.Parent != "RXA" || !slices.Equal(o.IPRanges, []string{"192.0.2.0/24", "2001:db8:1::/48"}) ||
			!slices.Equal(o.Domains, []string{"hospital.example"}) || len(o.Contacts) != 2 || o.Contacts[0].Email != "ann@hospital.example" ||
			o.Contacts[0].Notify != "immediate" || o.Contacts[1].Notify != "digest" {
			t.Errorf("created %+v", o)
		}
		if len(created.Overlaps) != 1 || !strings.Contains(created.Overlaps[0].Message, "192.0.2.0/25") {
			t.Errorf("overlaps %+v, want RXA's 192.0.2.0/25 inside the new /24", created.Overlaps)
		}

		var got orgJSON
		f.do("GET", "/api/v1/orgs/rxc", nil, f.as("sector_admin")).decode(t, &got)
		if got.Name != "Example Hospital" {
			t.Errorf("get: %+v", got)
		}

		r = f.do("PATCH", "/api/v1/orgs/RXC", map[string]any{"name": "Example Hospital NHS Trust",
			"add_assets": map[string]any{"domains": []string{"new.example"}}, "remove_assets": map[string]any{"ip_ranges": []string{"2001:db8:1::/48"}},
			"contacts": []map[string]string{}}, f.as("sector_admin"))
		var changed orgChangeJSON
		r.decode(t, &changed)
		if r.status != http.StatusOK || changed.Org.Name != "Example Hospital NHS Trust" || !slices.Equal(changed.Org.IPRanges, []string{"192.0.2.0/24"}) ||
			!slices.Contains(changed.Org.Domains, "new.example") || len(changed.Org.Contacts) != 0 || changed.Org.Region != "London" {
			t.Errorf("patch: %d %+v", r.status, changed.Org)
		}

		// An org_admin changes its own organisation, but hears nothing of other
		// organisations' assets even when its new range overlaps one.
		r = f.do("PATCH", "/api/v1/orgs/RXA", map[string]any{"region": "North East",
			"add_assets": map[string]any{"ip_ranges": []string{"198.51.100.0/25"}}}, f.as("org_admin"))
		r.decode(t, &changed)
		if r.status != http.StatusOK || changed.Org.Region != "North East" || len(changed.Overlaps) != 0 {
			t.Errorf("org_admin patch: %d %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), otherOrg) {
			t.Errorf("org_admin learns of %s: %s", otherOrg, r.body)
		}
		var overlaps pageJSON[struct{ Message string }]
		f.do("GET", "/api/v1/overlaps?org=RXB", nil, f.as("sector_analyst")).decode(t, &overlaps)
		if len(overlaps.Items) != 1 || !strings.Contains(overlaps.Items[0].Message, "198.51.100.0/25") {
			t.Errorf("analyst's overlaps with RXB: %+v", overlaps.Items)
		}

		for _, tc := range []struct {
			name, ods, body string
			want            int
		}{
			{"empty patch", "RXA", `{}`, http.StatusUnprocessableEntity},
			{"bad range added", "RXA", `{"add_assets": {"ip_ranges": ["0.0.0.0/0"]}}`, http.StatusUnprocessableEntity},
			{"kind is not patchable", "RXA", `{"kind": "gp"}`, http.StatusUnprocessableEntity},
			{"unknown organisation", "RZZ", `{"name": "X"}`, http.StatusNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do("PATCH", "/api/v1/orgs/"+tc.ods, tc.body, f.as("sector_admin"))
				if r.status != tc.want {
					t.Errorf("status %d, want %d: %s", r.status, tc.want, r.body)
				}
				r.problem(t)
			})
		}
		// Four bad assets among good ones: each is named by its place, none is kept.
		r = f.do("PATCH", "/api/v1/orgs/RXA", `{"add_assets": {"ip_ranges": ["192.0.2.0/24", "0.0.0.0/0", "10.0.0.0/8"], "domains": ["fine.example", "co.uk", "gmail.com", "not a domain"]}}`,
			f.as("sector_admin"))
		p := r.problem(t)
		var where []string
		for _, e := range p.Errors {
			where = append(where, e.Location)
		}
		want := []string{"body.add_assets.ip_ranges[1]", "body.add_assets.ip_ranges[2]", "body.add_assets.domains[1]", "body.add_assets.domains[2]", "body.add_assets.domains[3]"}
		if r.status != http.StatusUnprocessableEntity || !slices.Equal(where, want) {
			t.Errorf("bad assets: %d, errors at %v, want each at %v: %s", r.status, where, want, r.body)
		}
		audit := f.auditActions(t)
		if audit["org.create"] != 1 || audit["org.update"] != 2 {
			t.Errorf("audit %v, want 1 org.create and 2 org.update", audit)
		}
	})
}

func TestOrgList(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	codes := func(role, query string) []string {
		t.Helper()
		var out []string
		cursor := ""
		for range 20 {
			r := f.do("GET", "/api/v1/orgs?limit=1"+query+cursor, nil, f.as(role))
			if r.status != http.StatusOK {
				t.Fatalf("%s list: %d %s", role, r.status, r.body)
			}
			var p pageJSON[orgJSON]
			r.decode(t, &p)
			for _, o := range p.Items {
				out = append(out, o.ODSCode)
				if o.ODSCode == ownOrg && role == "supplier" && len(o.Contacts) != 0 {
					t.Errorf("a supplier sees its customer's contacts")
				}
			}
			if p.NextCursor == "" {
				return out
			}
			cursor = "&cursor=" + p.NextCursor
		}
		t.Fatalf("paging did not end")
		return nil
	}
	for _, tc := range []struct {
		name, role, query string
		want              []string
	}{
		{"sector sees all", "sector_analyst", "", []string{ownOrg, otherOrg, supOrg}},
		{"sector filters by kind", "sector_admin", "&kind=supplier", []string{supOrg}},
		{"sector filters by region", "sector_admin", "&region=Nowhere", nil},
		{"org role sees its own", "org_member", "", []string{ownOrg}},
		{"org role's filter", "org_admin", "&kind=gp", nil},
		{"supplier sees itself and its customers", "supplier", "", []string{ownOrg, supOrg}},
		{"supplier filters", "supplier", "&kind=trust", []string{ownOrg}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := codes(tc.role, tc.query); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, q := range []string{"?kind=hospital", "?limit=0", "?limit=5000", "?cursor=bogus"} {
		if r := f.do("GET", "/api/v1/orgs"+q, nil, f.as("sector_admin")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("GET /orgs%s: %d, want 422: %s", q, r.status, r.body)
		}
	}
}

func TestOrgTenancy(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	missing := f.do("GET", "/api/v1/orgs/RZZ", nil, f.as("org_member")).problem(t).Detail
	for _, tc := range []struct {
		name, role, ods string
		want            int
	}{
		{"org role, own", "org_member", ownOrg, http.StatusOK},
		{"org role, other", "org_member", otherOrg, http.StatusNotFound},
		{"org role, supplier", "org_admin", supOrg, http.StatusNotFound},
		{"supplier, itself", "supplier", supOrg, http.StatusOK},
		{"supplier, customer", "supplier", ownOrg, http.StatusOK},
		{"supplier, not a customer", "supplier", otherOrg, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("GET", "/api/v1/orgs/"+tc.ods, nil, f.as(tc.role))
			if r.status != tc.want {
				t.Fatalf("status %d, want %d", r.status, tc.want)
			}
			if tc.want == http.StatusNotFound {
				if d := r.problem(t).Detail; strings.Replace(d, tc.ods, "RZZ", 1) != missing {
					t.Errorf("detail %q differs from a missing organisation's %q", d, missing)
				}
			}
		})
	}
}
