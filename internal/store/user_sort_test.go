package store_test

import (
	"cmp"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListUsersSorted pages through every order of the list of people, with people who
// share a name, a role and an organisation, and sector people with no organisation.
func TestListUsersSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		names := []string{"Bea", "Ann", "Cal", "Ann"}
		roles := []vigil.Role{vigil.RoleOrgMember, vigil.RoleOrgAdmin, vigil.RoleSectorAnalyst}
		orgs := map[vigil.Role][]string{vigil.RoleOrgMember: {"RXB", "RXA"}, vigil.RoleOrgAdmin: {"RXA", "RXB"}}
		var all []vigil.User
		for i, local := range []string{"kim", "ben", "zoe", "amy", "dev", "lou", "eve", "ira", "max"} {
			nu := vigil.NewUser{Email: local + "@example.org", Name: names[i%4], Role: roles[i%3], Password: goodPassword}
			if os := orgs[nu.Role]; os != nil {
				nu.Org = os[i%2]
			}
			u, err := s.CreateUser(t.Context(), nu)
			if err != nil {
				t.Fatalf("CreateUser %s: %v", nu.Email, err)
			}
			all = append(all, u)
		}
		clk := fakeClock(s)
		for i, u := range all { // some sign in, two at the same time, some never
			if i%3 == 0 {
				continue
			}
			if i%4 != 1 {
				clk.advance(time.Minute)
			}
			if _, _, err := s.CreateSession(t.Context(), u.ID, time.Hour); err != nil {
				t.Fatal(err)
			}
		}
		for i, u := range all {
			var err error
			if all[i], err = s.GetUser(t.Context(), u.ID); err != nil {
				t.Fatal(err)
			}
		}
		byEmail := func(a, b vigil.User) int { return cmp.Compare(a.Email, b.Email) }
		then := func(f func(vigil.User) string) func(a, b vigil.User) int {
			return func(a, b vigil.User) int { return cmp.Or(cmp.Compare(f(a), f(b)), byEmail(a, b)) }
		}
		list := func(sort vigil.UserSort) listFunc[vigil.User] {
			return func(cursor string, limit int) ([]vigil.User, string, error) {
				return s.ListUsers(t.Context(), vigil.UserFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		email := func(u vigil.User) string { return u.Email }
		type c = sortCase[vigil.UserSort, vigil.User]
		checkSorted(t, all, email, list, c{"", byEmail}, c{vigil.UserByEmail, byEmail},
			c{vigil.UserByName, then(func(u vigil.User) string { return u.Name })},
			c{vigil.UserByRole, then(func(u vigil.User) string { return string(u.Role) })},
			c{vigil.UserByOrg, then(func(u vigil.User) string { return u.Org })},
			c{vigil.UserByNewest, func(a, b vigil.User) int { return cmp.Compare(b.ID, a.ID) }},
			c{vigil.UserByLastSignIn, func(a, b vigil.User) int { return cmp.Or(b.LastSignIn.Compare(a.LastSignIn), byEmail(a, b)) }})
		checkSortErrors(t, list, vigil.UserByName, vigil.UserByOrg, "email, name, role, org, newest, last_sign_in")
	})
}
