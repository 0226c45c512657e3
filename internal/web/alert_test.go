package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

type alertJSON struct {
	ID             int64  `json:"id"`
	Org            string `json:"org"`
	Status         string `json:"status"`
	AckedBy        string `json:"acked_by"`
	ResolvedBy     string `json:"resolved_by"`
	ResolutionNote string `json:"resolution_note"`
}

// alertIDs pages through GET path as role and returns the ids seen, in order.
func (f *fixture) alertIDs(t *testing.T, role, path string) []int64 {
	t.Helper()
	var ids []int64
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for range 100 {
		r := f.do("GET", path+cursor, nil, f.as(role))
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path+cursor, r.status, r.body)
		}
		var p pageJSON[alertJSON]
		r.decode(t, &p)
		for _, a := range p.Items {
			ids = append(ids, a.ID)
		}
		if p.NextCursor == "" {
			return ids
		}
		cursor = sep + "cursor=" + p.NextCursor
	}
	t.Fatalf("paging %s did not end", path)
	return nil
}

func TestAlertList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		own1, own2 := f.alert(ownOrg, vigil.TLPAmber), f.alert(ownOrg, vigil.TLPClear)
		ownRed, ownStrict := f.alert(ownOrg, vigil.TLPRed), f.alert(ownOrg, vigil.TLPAmberStrict)
		other := f.alert(otherOrg, vigil.TLPClear)
		sup := f.alert(supOrg, vigil.TLPGreen)
		own3 := f.alert(ownOrg, "")
		all := []int64{own3, sup, other, ownStrict, ownRed, own2, own1}
		for _, tc := range []struct {
			name, role, path string
			want             []int64
		}{
			{"sector sees every alert, newest first", "sector_analyst", "/api/v1/alerts", all},
			{"sector pages", "sector_admin", "/api/v1/alerts?limit=2", all},
			{"sector filters by organisation", "sector_admin", "/api/v1/alerts?org=rxb", []int64{other}},
			{"sector filters by status", "sector_admin", "/api/v1/alerts?status=resolved", nil},
			{"sector filters by severity", "sector_admin", "/api/v1/alerts?severity=high&kind=early_warning", all},
			{"sector filters by time", "sector_admin", "/api/v1/alerts?since=2999-01-01T00:00:00Z", nil},
			{"org member not named sees its own but TLP:RED", "org_member", "/api/v1/alerts", []int64{own3, ownStrict, own2, own1}},
			{"org member not named pages", "org_member", "/api/v1/alerts?limit=1", []int64{own3, ownStrict, own2, own1}},
			{"org role pages", "org_admin", "/api/v1/alerts?limit=1", []int64{own3, ownStrict, ownRed, own2, own1}},
			{"org role names its own organisation", "org_admin", "/api/v1/alerts?org=RXA", []int64{own3, ownStrict, ownRed, own2, own1}},
			{"supplier sees customers' shareable alerts and its own", "supplier", "/api/v1/alerts", []int64{own3, sup, own2, own1}},
			{"supplier pages across organisations", "supplier", "/api/v1/alerts?limit=2", []int64{own3, sup, own2, own1}},
			{"supplier pages one by one", "supplier", "/api/v1/alerts?limit=1", []int64{own3, sup, own2, own1}},
			{"supplier names a customer", "supplier", "/api/v1/alerts?org=RXA", []int64{own3, own2, own1}},
			{"sector sorts by organisation", "sector_admin", "/api/v1/alerts?sort=org&limit=2", []int64{own3, ownStrict, ownRed, own2, own1, other, sup}},
			{"sector sorts oldest first", "sector_admin", "/api/v1/alerts?sort=oldest&limit=3", []int64{own1, own2, ownRed, ownStrict, other, sup, own3}},
			{"supplier sorts by severity, ties newest first", "supplier", "/api/v1/alerts?sort=severity&limit=1", []int64{own3, sup, own2, own1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := f.alertIDs(t, tc.role, tc.path); !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		for _, tc := range []struct {
			name, role, path string
			want             int
		}{
			{"org role names another organisation", "org_member", "/api/v1/alerts?org=RXB", http.StatusNotFound},
			{"supplier names a stranger", "supplier", "/api/v1/alerts?org=RXB", http.StatusNotFound},
			{"unknown status", "sector_admin", "/api/v1/alerts?status=closed", http.StatusUnprocessableEntity},
			{"bad time", "sector_admin", "/api/v1/alerts?since=yesterday", http.StatusUnprocessableEntity},
			{"bad id", "sector_admin", "/api/v1/alerts/abc", http.StatusUnprocessableEntity},
			{"bad cursor", "supplier", "/api/v1/alerts?cursor=%21%21", http.StatusUnprocessableEntity},
			{"unknown sort", "sector_admin", "/api/v1/alerts?sort=colour", http.StatusUnprocessableEntity},
			{"another list's cursor", "org_member", "/api/v1/alerts?cursor=" + fmt.Sprint("djE6b3JnOlJYQQ"), http.StatusUnprocessableEntity},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do("GET", tc.path, nil, f.as(tc.role))
				if r.status != tc.want {
					t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
				}
				r.problem(t)
			})
		}
		t.Run("a cursor of another order", func(t *testing.T) {
			var p pageJSON[alertJSON]
			f.do("GET", "/api/v1/alerts?sort=severity&limit=1", nil, f.as("sector_admin")).decode(t, &p)
			r := f.do("GET", "/api/v1/alerts?sort=newest&cursor="+p.NextCursor, nil, f.as("sector_admin"))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.problem(t).Detail, "sorted by severity, not by newest") {
				t.Errorf("status %d, want 422 saying the cursor is of the severity order: %s", r.status, r.body)
			}
		})
	})
}

func TestAlertGet(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	own, red, other := f.alert(ownOrg, vigil.TLPAmber), f.alert(ownOrg, vigil.TLPRed), f.alert(otherOrg, vigil.TLPClear)
	for _, tc := range []struct {
		name, role string
		id         int64
		want       int
	}{
		{"org role, own", "org_member", own, http.StatusOK},
		{"org member not named, own TLP:RED", "org_member", red, http.StatusNotFound},
		{"org admin, own TLP:RED", "org_admin", red, http.StatusOK},
		{"org role, other", "org_member", other, http.StatusNotFound},
		{"org role, none such", "org_member", 9999, http.StatusNotFound},
		{"supplier, customer's", "supplier", own, http.StatusOK},
		{"supplier, customer's TLP:RED", "supplier", red, http.StatusNotFound},
		{"supplier, stranger's", "supplier", other, http.StatusNotFound},
		{"sector, any", "sector_analyst", red, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("GET", fmt.Sprintf("/api/v1/alerts/%d", tc.id), nil, f.as(tc.role))
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want == http.StatusNotFound && r.problem(t).Detail != fmt.Sprintf("no alert %d", tc.id) {
				t.Errorf("detail %q gives more away than a missing alert's", r.body)
			}
		})
	}
}

func TestAlertLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id, other := f.alert(ownOrg, vigil.TLPAmber), f.alert(otherOrg, vigil.TLPAmber)
		path := func(id int64, verb string) string { return fmt.Sprintf("/api/v1/alerts/%d/%s", id, verb) }
		for _, tc := range []struct {
			name, role, verb string
			id               int64
			body             any
			wantStatus       int
			wantAlertStatus  string
		}{
			{"supplier may not acknowledge", "supplier", "ack", id, nil, http.StatusForbidden, ""},
			{"sensor may not acknowledge", "sensor", "ack", id, nil, http.StatusForbidden, ""},
			{"org role, another organisation's", "org_admin", "ack", other, nil, http.StatusNotFound, ""},
			{"acknowledge", "org_member", "ack", id, nil, http.StatusOK, "acknowledged"},
			{"acknowledge again", "org_admin", "ack", id, nil, http.StatusOK, "acknowledged"},
			{"resolve without a note", "org_member", "resolve", id, map[string]string{"note": " "}, http.StatusUnprocessableEntity, ""},
			{"resolve without a body", "org_member", "resolve", id, nil, http.StatusBadRequest, ""},
			{"resolve", "org_member", "resolve", id, map[string]string{"note": "Blocked at the firewall."}, http.StatusOK, "resolved"},
			{"resolve again", "org_admin", "resolve", id, map[string]string{"note": "Again."}, http.StatusConflict, ""},
			{"acknowledge once resolved", "org_admin", "ack", id, nil, http.StatusConflict, ""},
			{"sector resolves another's", "sector_analyst", "resolve", other, map[string]string{"note": "Handled by the centre."}, http.StatusOK, "resolved"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do("POST", path(tc.id, tc.verb), tc.body, f.as(tc.role))
				if r.status != tc.wantStatus {
					t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
				}
				if tc.wantStatus != http.StatusOK {
					r.problem(t)
					return
				}
				var a alertJSON
				r.decode(t, &a)
				if a.Status != tc.wantAlertStatus {
					t.Errorf("alert status %q, want %q", a.Status, tc.wantAlertStatus)
				}
			})
		}
		var a alertJSON
		f.do("GET", fmt.Sprintf("/api/v1/alerts/%d", id), nil, f.as("org_member")).decode(t, &a)
		if a.AckedBy != "member@rxa.example" || a.ResolvedBy != "member@rxa.example" || a.ResolutionNote != "Blocked at the firewall." {
			t.Errorf("alert %+v", a)
		}
		if audit := f.auditActions(t); audit["alert.ack"] != 1 || audit["alert.resolve"] != 2 {
			t.Errorf("audit %v, want 1 alert.ack (the second changed nothing) and 2 alert.resolve", audit)
		}
	})
}

// An alert repeated with a stricter marking is re-checked: the supplier who read the
// customer's TLP:CLEAR alert gets 404 once a partner's TLP:RED report merged into it.
func TestAlertRepeatMarkedRedIsHiddenFromTheSupplier(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	raise := func(source string, tlp vigil.TLP) int64 {
		t.Helper()
		id, _, err := f.store.RaiseAlert(t.Context(), vigil.Alert{Org: ownOrg, Kind: vigil.AlertEarlyWarning,
			Severity: vigil.SeverityHigh, Title: "198.51.100.1 is on a list", Observable: "198.51.100.1", TLP: tlp,
			Sources: []string{source}, DedupKey: "repeat|198.51.100.1"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id := raise("Partner A", vigil.TLPClear)
	path := fmt.Sprintf("/api/v1/alerts/%d", id)
	if r := f.do("GET", path, nil, f.as("supplier")); r.status != http.StatusOK {
		t.Fatalf("supplier GET of the TLP:CLEAR alert: %d %s", r.status, r.body)
	}
	raise("Partner B", vigil.TLPRed)
	if r := f.do("GET", path, nil, f.as("supplier")); r.status != http.StatusNotFound {
		t.Errorf("supplier GET after the TLP:RED repeat: %d, want 404", r.status)
	}
	if ids := f.alertIDs(t, "supplier", "/api/v1/alerts"); slices.Contains(ids, id) {
		t.Errorf("the supplier's list %v still holds alert %d", ids, id)
	}
	if r := f.do("GET", path, nil, f.as("org_admin")); r.status != http.StatusOK {
		t.Errorf("the organisation's admin lost its own alert: %d", r.status)
	}
}
