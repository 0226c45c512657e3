package alerts_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// seedAlerts raises one alert of each kind the visibility rule tells apart, oldest
// first, and returns their ids by name.
func (f *fixture) seedAlerts() map[string]int64 {
	f.t.Helper()
	ids := map[string]int64{}
	for _, a := range []struct {
		name, org string
		tlp       vigil.TLP
	}{
		{"own amber", ownOrg, vigil.TLPAmber},
		{"own clear", ownOrg, vigil.TLPClear},
		{"own amber+strict", ownOrg, vigil.TLPAmberStrict},
		{"own red", ownOrg, vigil.TLPRed},
		{"other clear", otherOrg, vigil.TLPClear},
		{"customer green", customerOrg, vigil.TLPGreen},
		{"supplier's own", supOrg, ""},
	} {
		ids[a.name] = f.raise(a.org, a.tlp)
	}
	return ids
}

func TestGet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ids := f.seedAlerts()
		for _, tc := range []struct {
			name  string
			who   vigil.Principal
			alert string
			want  string // error code; "" when allowed
		}{
			{"sector admin sees another organisation's", sectorAdmin, "other clear", ""},
			{"sector analyst sees TLP:RED", sectorAnalyst, "own red", ""},
			{"org admin sees its own TLP:RED", orgAdmin, "own red", ""},
			{"org member sees its own", orgMember, "own clear", ""},
			{"org member sees its own TLP:AMBER+STRICT", orgMember, "own amber+strict", ""},
			{"org member not named does not see its own TLP:RED", orgMember, "own red", vigil.ENOTFOUND},
			{"org member named as a contact sees its own TLP:RED", namedMember, "own red", ""},
			{"org admin does not see another organisation's", orgAdmin, "other clear", vigil.ENOTFOUND},
			{"org member does not see another organisation's", orgMember, "other clear", vigil.ENOTFOUND},
			{"org member does not see its supplier's", orgMember, "supplier's own", vigil.ENOTFOUND},
			{"other org admin sees its own", otherAdmin, "other clear", ""},
			{"other org admin does not see RXA's", otherAdmin, "own clear", vigil.ENOTFOUND},
			{"supplier sees its own", supplier, "supplier's own", ""},
			{"supplier sees a customer's TLP:CLEAR", supplier, "own clear", ""},
			{"supplier sees a customer's TLP:AMBER", supplier, "own amber", ""},
			{"supplier sees its other customer's TLP:GREEN", supplier, "customer green", ""},
			{"supplier does not see a customer's TLP:AMBER+STRICT", supplier, "own amber+strict", vigil.ENOTFOUND},
			{"supplier does not see a customer's TLP:RED", supplier, "own red", vigil.ENOTFOUND},
			{"supplier does not see a non-customer's", supplier, "other clear", vigil.ENOTFOUND},
			{"sensor may not read alerts", sensor, "own clear", vigil.EFORBIDDEN},
			{"an alert that does not exist is not found", sectorAdmin, "missing", vigil.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				id, ok := ids[tc.alert]
				if !ok {
					id = 999999
				}
				al, err := f.svc.Get(context.Background(), tc.who, id)
				msg := ""
				if tc.want == vigil.ENOTFOUND {
					msg = fmt.Sprintf("no alert %d", id) // the same words whether hidden or missing
				}
				checkErr(t, err, tc.want, msg)
				if err == nil && al.ID != id {
					t.Errorf("got alert %d; want %d", al.ID, id)
				}
			})
		}
	})
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ids := f.seedAlerts()
		all := []string{"supplier's own", "customer green", "other clear", "own red", "own amber+strict", "own clear", "own amber"}
		own := []string{"own red", "own amber+strict", "own clear", "own amber"}
		ownButRed := own[1:] // TLP:RED is for named recipients
		// A supplier's list is newest first across its organisations, like everyone's.
		supplierSees := []string{"supplier's own", "customer green", "own clear", "own amber"}
		for _, tc := range []struct {
			name    string
			who     vigil.Principal
			f       vigil.AlertFilter
			want    []string
			wantErr string
			wantMsg string
		}{
			{"sector admin sees every alert, newest first", sectorAdmin, vigil.AlertFilter{}, all, "", ""},
			{"sector analyst pages", sectorAnalyst, vigil.AlertFilter{Limit: 2}, all, "", ""},
			{"sector names an organisation", sectorAdmin, vigil.AlertFilter{Org: "rxb"}, []string{"other clear"}, "", ""},
			{"sector names an unknown organisation", sectorAdmin, vigil.AlertFilter{Org: "ZZZ"}, nil, "", ""},
			{"sector filters by status", sectorAdmin, vigil.AlertFilter{Status: vigil.AlertResolved}, nil, "", ""},
			{"org member not named sees its own but TLP:RED", orgMember, vigil.AlertFilter{}, ownButRed, "", ""},
			{"org member not named pages one by one", orgMember, vigil.AlertFilter{Limit: 1}, ownButRed, "", ""},
			{"org member named as a contact sees its own", namedMember, vigil.AlertFilter{}, own, "", ""},
			{"org admin pages one by one", orgAdmin, vigil.AlertFilter{Limit: 1}, own, "", ""},
			{"org admin names its own organisation", orgAdmin, vigil.AlertFilter{Org: " rxa"}, own, "", ""},
			{"org admin may not name another organisation", orgAdmin, vigil.AlertFilter{Org: "rxb"}, nil, vigil.ENOTFOUND, "no organisation RXB"},
			{"org member names a code that is not one", orgMember, vigil.AlertFilter{Org: "!"}, nil, vigil.ENOTFOUND, `no organisation "!"`},
			{"other org admin sees its own", otherAdmin, vigil.AlertFilter{}, []string{"other clear"}, "", ""},
			{"supplier sees its own and its customers' shareable alerts", supplier, vigil.AlertFilter{}, supplierSees, "", ""},
			{"supplier pages across organisations", supplier, vigil.AlertFilter{Limit: 2}, supplierSees, "", ""},
			{"supplier pages one by one", supplier, vigil.AlertFilter{Limit: 1}, supplierSees, "", ""},
			{"supplier names a customer", supplier, vigil.AlertFilter{Org: "RXA"}, []string{"own clear", "own amber"}, "", ""},
			{"supplier may not name a non-customer", supplier, vigil.AlertFilter{Org: "RXB"}, nil, vigil.ENOTFOUND, "no organisation RXB"},
			{"supplier sends a cursor that is not its own", supplier, vigil.AlertFilter{Cursor: "nonsense"}, nil, vigil.EINVALID,
				"the page cursor is not valid here; start again from the first page"},
			{"sensor may not list alerts", sensor, vigil.AlertFilter{}, nil, vigil.EFORBIDDEN, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.listAll(tc.who, tc.f)
				checkErr(t, err, tc.wantErr, tc.wantMsg)
				want := make([]int64, len(tc.want))
				for i, n := range tc.want {
					want[i] = ids[n]
				}
				if !slices.Equal(got, want) {
					t.Errorf("got %v; want %v (%v)", got, want, tc.want)
				}
			})
		}
	})
}

// TestListCursorHidesNothing pages a supplier's list one alert at a time: no cursor may
// name an alert it cannot see (issue 8, item 9: a cursor once held the id of a
// customer's TLP:AMBER+STRICT alert).
func TestListCursorHidesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ids := f.seedAlerts()
		visible := map[string]bool{}
		for _, n := range []string{"supplier's own", "customer green", "own clear", "own amber"} {
			visible[strconv.FormatInt(ids[n], 10)] = true
		}
		filter := vigil.AlertFilter{Limit: 1}
		for range 10 {
			_, next, err := f.svc.List(context.Background(), supplier, filter)
			if err != nil || next == "" {
				return
			}
			raw, _ := base64.RawURLEncoding.DecodeString(next)
			id := string(raw[strings.LastIndexAny(string(raw), ":|")+1:]) // the cursor ends with the last alert's id
			if !visible[id] {
				t.Fatalf("cursor %q names alert %s, which the supplier may not see", raw, id)
			}
			filter.Cursor = next
		}
		t.Fatal("paging did not end")
	})
}

// listAll pages through List with filter f and returns the ids seen, in order.
func (f *fixture) listAll(p vigil.Principal, filter vigil.AlertFilter) ([]int64, error) {
	ids := []int64{}
	for range 100 {
		als, next, err := f.svc.List(context.Background(), p, filter)
		if err != nil {
			return nil, err
		}
		for _, a := range als {
			ids = append(ids, a.ID)
		}
		if next == "" {
			return ids, nil
		}
		filter.Cursor = next
	}
	f.t.Fatalf("paging as %s did not end", p.Role)
	return nil, nil
}

// A repeat marked more strictly carries the stricter TLP, is worded again to match, and
// is hidden from a supplier who could read it before: 198.51.100.1 uploaded as TLP:CLEAR,
// then as TLP:RED from another partner, is a RED alert the supplier no longer sees.
func TestRepeatMarkedMoreStrictlyIsHidden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		words := func(a vigil.Alert) (string, string) {
			return "Your address is on " + alerts.AndList(a.Sources, "a list"), "What was seen: listed. " + alerts.Sharing(a.TLP)
		}
		raise := func(source string, tlp vigil.TLP) int64 {
			t.Helper()
			r := alerts.Worded(vigil.Alert{Org: ownOrg, Kind: vigil.AlertEarlyWarning, Severity: vigil.SeverityMedium,
				Observable: "198.51.100.1", Sources: []string{source}, TLP: tlp, DedupKey: "feed|198.51.100.1"}, words)
			var id int64
			err := s.Tx(t.Context(), func(tx *store.Store) (err error) {
				id, _, err = f.svc.Raise(t.Context(), tx, r)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		id := raise("Partner A", vigil.TLPClear)
		if _, err := f.svc.Get(t.Context(), supplier, id); err != nil {
			t.Fatalf("the supplier cannot read the customer's TLP:CLEAR alert: %v", err)
		}
		if again := raise("Partner B", vigil.TLPRed); again != id {
			t.Fatalf("the repeat is alert %d, want %d", again, id)
		}
		al := f.get(id)
		if al.TLP != vigil.TLPRed || al.Count != 2 || !slices.Equal(al.Sources, []string{"Partner A", "Partner B"}) {
			t.Errorf("merged alert %+v: want TLP:RED, counted twice, both partners", al)
		}
		if want := "Your address is on Partner A and Partner B"; al.Title != want {
			t.Errorf("title %q, want %q", al.Title, want)
		}
		if !strings.Contains(al.Body, "TLP:RED") || strings.Contains(al.Body, "CLEAR") {
			t.Errorf("body does not say TLP:RED alone:\n%s", al.Body)
		}
		_, err := f.svc.Get(t.Context(), supplier, id)
		checkErr(t, err, vigil.ENOTFOUND, fmt.Sprintf("no alert %d", id))
		list, _, err := f.svc.List(t.Context(), supplier, vigil.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.ID == id {
				t.Errorf("the supplier's list still holds alert %d, now TLP:RED", id)
			}
		}
	})
}
