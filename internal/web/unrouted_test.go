package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestAssignUnrouted checks the API's answers to assigning an unrouted event: the
// organisation's alert, then a conflict, and a 4xx that says what to fix for a bad
// organisation or event.
func TestAssignUnrouted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id := f.unrouted()
		path := fmt.Sprintf("/api/v1/events/unrouted/%d/assign", id)
		analyst := f.as("sector_analyst")
		for _, tt := range []struct {
			path   string
			body   any
			status int
			says   string
		}{
			{path, map[string]string{"org": "RXZ"}, http.StatusUnprocessableEntity, "there is no organisation RXZ"},
			{path, map[string]string{"org": "not a code"}, http.StatusUnprocessableEntity, "is not valid"},
			{path, map[string]string{}, http.StatusUnprocessableEntity, "org"},
			{"/api/v1/events/unrouted/999999/assign", map[string]string{"org": ownOrg}, http.StatusNotFound, "no unrouted event 999999"},
		} {
			r := f.do("POST", tt.path, tt.body, analyst)
			if r.status != tt.status || !strings.Contains(string(r.body), tt.says) {
				t.Errorf("POST %s %v = %d %s, want %d saying %q", tt.path, tt.body, r.status, r.body, tt.status, tt.says)
			}
		}
		r := f.do("POST", path, map[string]string{"org": strings.ToLower(ownOrg)}, analyst)
		var al struct {
			Org, Kind, Observable string
		}
		if r.status != http.StatusOK {
			t.Fatalf("assign: %d %s", r.status, r.body)
		}
		r.decode(t, &al)
		if al.Org != ownOrg || al.Kind != "early_warning" || al.Observable != "198.51.100.77" {
			t.Errorf("assigned alert %+v", al)
		}
		if r := f.do("POST", path, map[string]string{"org": otherOrg}, analyst); r.status != http.StatusConflict ||
			!strings.Contains(r.problem(t).Detail, "assigned to "+ownOrg) {
			t.Errorf("assigning twice: %d %s, want 409 naming the first assignment", r.status, r.body)
		}
	})
}
