package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestChangePasswordAPI changes a password through the API: refusals say which part is
// wrong, and a change ends the other sessions and hands back a new cookie.
func TestChangePasswordAPI(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	const next = "a lighthouse keeper's quiet winter"
	signIn := func(pw string) response {
		return f.do("POST", "/api/v1/session", map[string]string{"email": "member@rxa.example", "password": pw}, noAuth)
	}
	mine, err := signIn(password).sessionCookie()
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := signIn(password).sessionCookie()
	if err != nil {
		t.Fatal(err)
	}
	change := func(a auth, current, new string) response {
		return f.do("PUT", "/api/v1/session/password", map[string]string{"current_password": current, "new_password": new}, a)
	}
	tok, _ := f.token("org_member")
	for _, tc := range []struct {
		name       string
		r          response
		wantStatus int
		wantDetail string
	}{
		{"wrong current password", change(cookie(mine.Value), "not my password", next), http.StatusUnprocessableEntity, "current password is not right"},
		{"a common new password", change(cookie(mine.Value), password, "password1234"), http.StatusUnprocessableEntity, "most common passwords"},
		{"with an API token", change(bearer(tok), password, next), http.StatusForbidden, "API token cannot change a password"},
	} {
		if tc.r.status != tc.wantStatus || !strings.Contains(tc.r.problem(t).Detail, tc.wantDetail) {
			t.Errorf("%s: %d %s, want %d saying %q", tc.name, tc.r.status, tc.r.body, tc.wantStatus, tc.wantDetail)
		}
		if strings.Contains(string(tc.r.body), next) || strings.Contains(string(tc.r.body), password) {
			t.Errorf("%s: the problem echoes a password: %s", tc.name, tc.r.body)
		}
	}
	r := change(cookie(mine.Value), password, next)
	fresh, err := r.sessionCookie()
	if r.status != http.StatusOK || err != nil || fresh.Value == mine.Value {
		t.Fatalf("change: %d %s (cookie %v %v), want 200 with a new session cookie", r.status, r.body, fresh, err)
	}
	for name, c := range map[string]string{"the old cookie": mine.Value, "the session elsewhere": elsewhere.Value} {
		if r := f.do("GET", "/api/v1/me", nil, cookie(c)); r.status != http.StatusUnauthorized {
			t.Errorf("%s after the change: %d, want 401", name, r.status)
		}
	}
	if r := f.do("GET", "/api/v1/me", nil, cookie(fresh.Value)); r.status != http.StatusOK {
		t.Errorf("the new cookie: %d, want 200", r.status)
	}
	if r := signIn(password); r.status != http.StatusUnauthorized {
		t.Errorf("sign-in with the old password: %d, want 401", r.status)
	}
	if r := signIn(next); r.status != http.StatusOK {
		t.Errorf("sign-in with the new password: %d %s", r.status, r.body)
	}
}
