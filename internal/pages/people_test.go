package pages_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestPeopleListsEveryAccount checks that the people page lists the accounts the use
// case has, that its filters narrow it, and that the CSV has the rows shown.
func TestPeopleListsEveryAccount(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	b := s.signIn(sectorAdmin)
	for _, tt := range []struct {
		query string
		f     vigil.UserFilter
	}{
		{"", vigil.UserFilter{}},
		{"?role=org_admin", vigil.UserFilter{Role: vigil.RoleOrgAdmin}},
		{"?email=hccc", vigil.UserFilter{Email: "hccc"}},
	} {
		want, _, err := s.app.Accounts.ListUsers(ctx, reader, tt.f)
		if err != nil || len(want) == 0 {
			t.Fatalf("ListUsers(%+v): %d, %v", tt.f, len(want), err)
		}
		p := b.get("/users" + tt.query)
		var emails []string
		for _, u := range want {
			emails = append(emails, u.Email)
			if !p.has(escaped(t, u.Name), escaped(t, u.Email)) {
				t.Errorf("/users%s lacks %s", tt.query, u.Email)
			}
		}
		sep := "?"
		if tt.query != "" {
			sep = "&"
		}
		header, rows := csvRows(t, b.get("/users"+tt.query+sep+"format=csv"))
		if got := column(t, header, rows, "email"); !slices.Equal(got, emails) {
			t.Errorf("CSV of /users%s: %v, want %v", tt.query, got, emails)
		}
	}
}

// TestSectorAdminAddsAPerson walks a sector admin through adding a person, who signs in
// with the password shown once; resetting the password, and disabling and enabling the
// account.
func TestSectorAdminAddsAPerson(t *testing.T) {
	s := demoSite(t)
	admin := s.signIn(sectorAdmin)
	if p := admin.get("/users/new"); p.status != http.StatusOK || !p.has(`action="/users"`, `name="role"`) {
		t.Fatalf("add form: %d\n%s", p.status, p.body)
	}
	const email = "practice.manager@northbrook-hospitals.example"
	p := admin.post("/users", url.Values{"email": {email}, "name": {"Jo Patel"}, "role": {"org_member"}, "org": {trustODS(t, s)}})
	if p.status != http.StatusCreated || !p.has("Jo Patel can now sign in", "shown only once") {
		t.Fatalf("add a person: %d\n%s", p.status, p.body)
	}
	password := html.UnescapeString(regexpFind(t, p, `id="new-password">([^<]+)<`))
	signIn := func(pw string) int {
		return s.anonymous().post("/sign-in", url.Values{"email": {email}, "password": {pw}}).status
	}
	if got := signIn(password); got != http.StatusSeeOther {
		t.Fatalf("the new person signs in with the password shown: %d, want 303", got)
	}
	if p := admin.get("/users"); !p.has("Jo Patel", email) {
		t.Errorf("the people list lacks the new person\n%s", p.body)
	}
	if p := admin.post("/users", url.Values{"email": {email}, "name": {"Jo Patel"}, "role": {"org_member"}, "org": {trustODS(t, s)}}); p.status != http.StatusConflict || !p.has("already exists") {
		t.Errorf("the same address again: %d, want 409\n%s", p.status, p.body)
	}
	if p := admin.post("/users", url.Values{"email": {"x@care.example"}, "name": {"X"}, "role": {"org_member"}, "org": {"NOPE1"}}); p.status != http.StatusUnprocessableEntity || !p.has(`href="#org"`) {
		t.Errorf("an unknown organisation: %d, want 422 naming the field\n%s", p.status, p.body)
	}

	p = admin.post("/users/password", url.Values{"email": {email}})
	if p.status != http.StatusOK || !p.has("New password for Jo Patel", "signed out everywhere") {
		t.Fatalf("reset password: %d\n%s", p.status, p.body)
	}
	reset := html.UnescapeString(regexpFind(t, p, `id="new-password">([^<]+)<`))
	if signIn(password) != http.StatusUnauthorized || signIn(reset) != http.StatusSeeOther {
		t.Errorf("after the reset: the old password should fail and the new one work")
	}

	if p := admin.post("/users/disable", url.Values{"email": {email}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/users?done=user-disabled" {
		t.Fatalf("disable: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if got := signIn(reset); got == http.StatusSeeOther {
		t.Errorf("a disabled account signed in")
	}
	if p := admin.get("/users?email=practice"); !p.has("Disabled", `action="/users/enable"`) {
		t.Errorf("the disabled account is not shown so\n%s", p.body)
	}
	admin.post("/users/enable", url.Values{"email": {email}})
	if got := signIn(reset); got != http.StatusSeeOther {
		t.Errorf("enabled again, sign-in: %d, want 303", got)
	}
	if p := admin.post("/users/disable", url.Values{"email": {sectorAdmin}}); p.status != http.StatusUnprocessableEntity || !p.has("your own account") {
		t.Errorf("disabling oneself: %d, want 422 saying why\n%s", p.status, p.body)
	}
}

// trustODS is the ODS code of the demo trust, read from its admin's account.
func trustODS(t testing.TB, s *site) string {
	t.Helper()
	us, _, err := s.app.Accounts.ListUsers(context.Background(), reader, vigil.UserFilter{Email: trustAdmin})
	if err != nil || len(us) != 1 {
		t.Fatalf("ListUsers(%s): %v, %v", trustAdmin, us, err)
	}
	return us[0].Org
}

// TestIntelPagesAreTheSectorCentres checks that people outside the sector centre get no
// further than 403 or 404 on any of the analyst's and admin's pages, and that an
// analyst may not read the audit log or manage accounts.
func TestIntelPagesAreTheSectorCentres(t *testing.T) {
	s := demoSite(t)
	feeds, err := s.app.ThreatIntel.ListFeeds(context.Background(), reader, "")
	if err != nil || len(feeds) == 0 {
		t.Fatal(feeds, err)
	}
	feed := "/feeds/" + itoa(feeds[0].ID)
	gets := []string{"/feeds", "/feeds?format=csv", "/feeds/new", feed, feed + "/delete", "/indicators", "/indicators?format=csv",
		"/sightings", "/sightings?format=csv", "/audit", "/audit?format=csv", "/audit?since=bad", "/users", "/users?format=csv", "/users/new"}
	posts := []string{"/feeds", feed, feed + "/pull", feed + "/delete", "/users", "/users/disable", "/users/enable", "/users/password"}
	for _, who := range []string{trustAdmin, wardManager, careManager, supplier} {
		b := s.signIn(who)
		for _, path := range gets {
			if p := b.get(path); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 403 or 404", who, path, p.status)
			}
		}
		for _, path := range posts {
			form := url.Values{"email": {analyst}, "name": {"x"}, "kind": {"url"}, "url": {"https://feeds.example/x"}, "schedule": {"1h0m0s"}}
			if p := b.post(path, form); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s: POST %s = %d, want 403 or 404", who, path, p.status)
			}
		}
	}
	b := s.signIn(analyst)
	for _, path := range []string{"/audit", "/users", "/users/new"} {
		if p := b.get(path); p.status != http.StatusForbidden {
			t.Errorf("analyst: GET %s = %d, want 403", path, p.status)
		}
	}
	if p := b.get("/"); p.has(`href="/audit"`, `href="/users"`) {
		t.Errorf("the analyst's menu offers the audit log or people")
	}
	if p := b.post("/users/password", url.Values{"email": {trustAdmin}}); p.status != http.StatusForbidden {
		t.Errorf("analyst resets a password: %d, want 403", p.status)
	}
	if unchanged, err := s.app.Audit.Verify(context.Background(), reader); err != nil || !unchanged.OK {
		t.Errorf("Verify after the refusals: %+v, %v", unchanged, err)
	}
}

// TestIntelPagesAreAccessible checks each of the analyst's and admin's pages for the
// rules a person using a screen reader relies on, and for what the policy would block:
// one h1, a label for every field, tables with a caption and column headers, no inline
// style or script.
func TestIntelPagesAreAccessible(t *testing.T) {
	s := demoSite(t)
	feeds, err := s.app.ThreatIntel.ListFeeds(context.Background(), reader, "")
	if err != nil || len(feeds) == 0 {
		t.Fatal(feeds, err)
	}
	b := s.signIn(sectorAdmin)
	field := regexp.MustCompile(`<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"`)
	for _, path := range []string{"/feeds", "/feeds/new", "/feeds/" + itoa(feeds[0].ID), "/feeds/" + itoa(feeds[0].ID) + "/delete",
		"/indicators", "/sightings", "/audit", "/users", "/users/new", "/indicators?type=nonsense"} {
		p := b.get(path)
		if n := strings.Count(p.body, "<h1"); n != 1 {
			t.Errorf("%s has %d h1 headings, want 1", path, n)
		}
		for _, m := range field.FindAllStringSubmatch(p.body, -1) {
			if !strings.Contains(p.body, `for="`+m[1]+`"`) {
				t.Errorf("%s: field %s has no label", path, m[1])
			}
		}
		if strings.Count(p.body, "<table") != strings.Count(p.body, "<caption") || strings.Count(p.body, "<th ") != strings.Count(p.body, `<th scope="col"`) {
			t.Errorf("%s: a table lacks a caption or a header's scope", path)
		}
		if strings.Contains(p.body, " style=") || regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(p.body) {
			t.Errorf("%s has an inline style or script", path)
		}
	}
}
