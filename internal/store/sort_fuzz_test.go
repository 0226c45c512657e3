package store_test

import (
	"encoding/base64"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// FuzzListCursor feeds any ?cursor= text, and any cursor that decodes to any text, to
// lists in each kind of order (text, number, time, a time that may be never): a list
// answers a page or refuses the cursor in words, never fails otherwise or panics.
func FuzzListCursor(f *testing.F) {
	s := storetest.Open(f)
	if _, _, err := s.CreateOrg(f.Context(), org("RXA", vigil.OrgTrust)); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", "name|Org RXA|RXA", "newest|5|5", "last_sighted|0001-01-01T00:00:00.000000Z|3",
		"latest|2025-03-14T09:00:00.000000Z|1", "count|-1|0", "name||", "|||", "name|a|b|c"} {
		f.Add(seed, false)
		f.Add(base64.RawURLEncoding.EncodeToString([]byte("v1:org:"+seed)), true)
	}
	f.Fuzz(func(t *testing.T, text string, raw bool) {
		ctx := t.Context()
		cursor := text
		if !raw {
			cursor = base64.RawURLEncoding.EncodeToString([]byte("v1:" + text))
		}
		check := func(list string, err error) {
			if err != nil && vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("%s with cursor %q: %v, want a page or a refusal", list, cursor, err)
			}
		}
		_, _, err := s.ListOrgs(ctx, vigil.OrgFilter{Sort: vigil.OrgByName, Cursor: cursor})
		check("organisations", err)
		_, _, err = s.SearchIndicators(ctx, vigil.IndicatorFilter{Sort: vigil.IndicatorByLastSighted, Cursor: cursor})
		check("indicators", err)
		_, _, err = s.ListSightings(ctx, vigil.SightingFilter{Sort: vigil.SightingByLatest, Cursor: cursor})
		check("sightings", err)
		_, _, err = s.ListAlerts(ctx, vigil.AlertFilter{Sort: vigil.AlertBySeverity, Cursor: cursor})
		check("alerts", err)
	})
}
