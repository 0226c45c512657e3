package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// The API's enums repeat the domain's lists for the OpenAPI document; a kind added to
// the domain and not here would be refused at the API (as alerts of kind vulnerability
// were by ?kind= until this test).
func TestAlertEnumsFollowTheDomain(t *testing.T) {
	kinds := make([]string, len(vigil.AlertKinds))
	for i, k := range vigil.AlertKinds {
		kinds[i] = string(k)
	}
	for _, tc := range []struct {
		typ   reflect.Type
		field string
	}{{reflect.TypeFor[Alert](), "Kind"}, {reflect.TypeFor[alertListIn](), "Kind"}} {
		f, _ := tc.typ.FieldByName(tc.field)
		if got := strings.Split(f.Tag.Get("enum"), ","); !slices.Equal(got, kinds) {
			t.Errorf("%s.%s enum = %v, want vigil.AlertKinds %v", tc.typ.Name(), tc.field, got, kinds)
		}
	}
}
