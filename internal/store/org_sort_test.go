package store_test

import (
	"cmp"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListOrgsSorted pages through every order of the organisation list, with
// organisations that share a name, a kind and a region.
func TestListOrgsSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		kinds := []vigil.OrgKind{vigil.OrgTrust, vigil.OrgGP, vigil.OrgSupplier}
		regions := []string{"North West", "London", "Midlands", "London"}
		names := []string{"Bravo", "Alpha", "Charlie", "Alpha", "Delta"}
		var all []vigil.Org
		for i, code := range strings.Fields("RXF RXB RXK RXA RXD RXH RXC RXJ RXE RXG RXI") {
			o := org(code, kinds[i%3])
			o.Name, o.Region = names[i%5], regions[i%4]
			all = append(all, mustCreate(t, s, o))
		}
		byCode := func(a, b vigil.Org) int { return cmp.Compare(a.ODSCode, b.ODSCode) }
		then := func(f func(vigil.Org) string) func(a, b vigil.Org) int {
			return func(a, b vigil.Org) int { return cmp.Or(cmp.Compare(f(a), f(b)), byCode(a, b)) }
		}
		list := func(sort vigil.OrgSort) listFunc[vigil.Org] {
			return func(cursor string, limit int) ([]vigil.Org, string, error) {
				return s.ListOrgs(t.Context(), vigil.OrgFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		code := func(o vigil.Org) string { return o.ODSCode }
		checkSorted(t, all, code, list,
			sortCase[vigil.OrgSort, vigil.Org]{"", byCode},
			sortCase[vigil.OrgSort, vigil.Org]{vigil.OrgByCode, byCode},
			sortCase[vigil.OrgSort, vigil.Org]{vigil.OrgByName, then(func(o vigil.Org) string { return o.Name })},
			sortCase[vigil.OrgSort, vigil.Org]{vigil.OrgByKind, then(func(o vigil.Org) string { return string(o.Kind) })},
			sortCase[vigil.OrgSort, vigil.Org]{vigil.OrgByRegion, then(func(o vigil.Org) string { return o.Region })})
		checkSortErrors(t, list, vigil.OrgByName, vigil.OrgByRegion, "ods_code, name, kind, region")
	})
}
