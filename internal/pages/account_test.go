package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestChangePassword walks a ward manager changing her password: the form's refusals
// say what to fix, and a change keeps her signed in here, signs her out elsewhere, and
// makes the old password stop working.
func TestChangePassword(t *testing.T) {
	s := demoSite(t)
	b, elsewhere := s.signIn(wardManager), s.signIn(wardManager)
	if p := b.get("/account"); !p.has("<title>Your account – vigil</title>", "Aisha Begum", wardManager, "Organisation member",
		"Northbrook Teaching Hospitals NHS Foundation Trust (R9A)", `autocomplete="current-password"`) {
		t.Fatalf("account page: want who she is and the password form\n%s", p.body)
	}
	const next = "seven mossy lanterns drift home"
	form := func(current, new, confirm string) url.Values {
		return url.Values{"current-password": {current}, "new-password": {new}, "confirm-password": {confirm}}
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"nothing filled in", form("", "", ""), http.StatusUnprocessableEntity, "Enter your current password"},
		{"the new passwords differ", form(demoPassword, next, next+"!"), http.StatusUnprocessableEntity, "The two new passwords are not the same"},
		{"the wrong current password", form("not my password at all", next, next), http.StatusUnprocessableEntity, "Your current password is not right"},
		{"too short", form(demoPassword, "short", "short"), http.StatusUnprocessableEntity, "The password is too short"},
	} {
		p := b.post("/account/password", tc.form)
		if p.status != tc.status || !p.has("There is a problem", tc.want) {
			t.Errorf("%s: %d, want %d saying %q\n%s", tc.name, p.status, tc.status, tc.want, p.body)
		}
		if strings.Contains(p.body, next) || strings.Contains(p.body, demoPassword) {
			t.Errorf("%s: the page shows a password back", tc.name)
		}
	}
	p := b.post("/account/password", form(demoPassword, next, next))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account?done=password-changed" || p.header.Get("Set-Cookie") == "" {
		t.Fatalf("change: %d to %q (cookie %q), want 303 to the account page with a new session cookie", p.status, p.header.Get("Location"), p.header.Get("Set-Cookie"))
	}
	if p := b.get("/account?done=password-changed"); p.status != http.StatusOK || !p.has("Your password has been changed") {
		t.Errorf("after the change: %d, want the account page with the banner\n%s", p.status, p.body)
	}
	if p := elsewhere.get("/account"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/?next=") {
		t.Errorf("the other session after the change: %d to %q, want sent to sign in", p.status, p.header.Get("Location"))
	}
	if p := s.anonymous().post("/sign-in", url.Values{"email": {wardManager}, "password": {demoPassword}}); p.status != http.StatusUnauthorized {
		t.Errorf("sign-in with the old password: %d, want 401", p.status)
	}
	if p := s.anonymous().post("/sign-in", url.Values{"email": {wardManager}, "password": {next}}); p.status != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d, want 303\n%s", p.status, p.body)
	}
}

// TestAPIToken walks a trust's IT lead making an API token: it is shown once, works
// against the API, cannot be revoked by someone else, and stops working when revoked.
func TestAPIToken(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(trustAdmin)
	if p := b.post("/account/tokens", url.Values{"token-name": {""}, "token-expires": {"90"}}); p.status != http.StatusUnprocessableEntity ||
		!p.has("Enter what the token is for") {
		t.Errorf("a token without a name: %d, want 422 saying what to enter\n%s", p.status, p.body)
	}
	p := b.post("/account/tokens", url.Values{"token-name": {"SIEM export"}, "token-expires": {"90"}})
	m := regexp.MustCompile(`value="(vgl_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if p.status != http.StatusCreated || m == nil || !p.has("This is the only time vigil shows this token") {
		t.Fatalf("create: %d, want the token shown with a warning\n%s", p.status, p.body)
	}
	secret := m[1]
	account := b.get("/account")
	if strings.Contains(account.body, secret) || !account.has("SIEM export") {
		t.Errorf("account page: want the token listed by name and never shown again\n%s", account.body)
	}
	if p := s.api("GET", "/api/v1/me", secret); p.status != http.StatusOK || !p.has(trustAdmin) {
		t.Fatalf("the API with the new token: %d %s", p.status, p.body)
	}
	if p := s.signIn(sectorAdmin).get("/account?org=R9A"); !p.has("Tokens of R9A", "SIEM export") {
		t.Errorf("a sector admin listing the trust's tokens: want its token\n%s", p.body)
	}
	if p := b.get("/account?org=R9B"); p.status != http.StatusForbidden {
		t.Errorf("an organisation's admin listing another's tokens: %d, want 403", p.status)
	}
	revoke := regexp.MustCompile(`action="(/account/tokens/\d+/revoke)"`).FindStringSubmatch(account.body)
	if revoke == nil {
		t.Fatalf("account page: no revoke form\n%s", account.body)
	}
	if p := s.signIn(careManager).post(revoke[1], nil); p.status != http.StatusNotFound {
		t.Errorf("another person revoking it: %d, want 404", p.status)
	}
	if p := b.post(revoke[1], nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/account?done=token-revoked" {
		t.Fatalf("revoke: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := s.api("GET", "/api/v1/me", secret); p.status != http.StatusUnauthorized {
		t.Errorf("the API with the revoked token: %d, want 401", p.status)
	}
	if p := b.get("/account?done=token-revoked"); !p.has("The token has been revoked") || p.has(">SIEM export<") {
		t.Errorf("account page after revoking: want the banner and the token gone (the trust's sensor token stays)\n%s", p.body)
	}
}

// api calls the JSON API with an API token, as a program would.
func (s *site) api(method, path, token string) page {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return s.anonymous().do(req)
}

// TestSensorTokensOfTheTrust: a trust's IT lead sees the trust's sensor token (never its
// secret), makes another for a new sensor and revokes the one that leaked.
func TestSensorTokensOfTheTrust(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(trustAdmin)
	account := b.get("/account")
	if !account.has("Your tokens and your organisation's sensor tokens", "demo Zeek sensor, main site", "Sensor for R9A", `value="sensor"`) {
		t.Fatalf("the IT lead's account page: want the demo's sensor token and the form to make one\n%s", account.body)
	}
	p := b.post("/account/tokens", url.Values{"token-name": {"Zeek, day unit"}, "token-expires": {"365"}, "token-kind": {"sensor"}})
	m := regexp.MustCompile(`value="(vgl_[A-Za-z0-9_-]+)"`).FindStringSubmatch(p.body)
	if p.status != http.StatusCreated || m == nil || !p.has("Your new sensor token", "POST /api/v1/telemetry") {
		t.Fatalf("create a sensor token: %d\n%s", p.status, p.body)
	}
	if me := s.api("GET", "/api/v1/me", m[1]); me.status != http.StatusForbidden {
		t.Errorf("the sensor token reading the API: %d, want 403 (it may only push telemetry)", me.status)
	}
	account = b.get("/account")
	if !account.has("Zeek, day unit", "by "+trustAdmin) || strings.Contains(account.body, m[1]) {
		t.Errorf("the account page: want the new sensor token, made by the IT lead, without its secret\n%s", account.body)
	}
	revoke := regexp.MustCompile(`action="(/account/tokens/\d+/revoke)"`).FindStringSubmatch(account.body) // newest first
	if p := s.signIn(careManager).post(revoke[1], nil); p.status != http.StatusNotFound {
		t.Errorf("another organisation's manager revoking it: %d, want 404", p.status)
	}
	if p := b.post(revoke[1], nil); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.status)
	}
	if p := s.api("POST", "/api/v1/telemetry", m[1]); p.status != http.StatusUnauthorized {
		t.Errorf("the revoked sensor token pushing: %d, want 401", p.status)
	}
	if p := s.signIn("ward.manager@northbrook-hospitals.example").post("/account/tokens", url.Values{"token-name": {"x"}, "token-expires": {"30"}, "token-kind": {"sensor"}}); p.status != http.StatusForbidden ||
		!p.has("ask your organisation") {
		t.Errorf("a trust's member making a sensor token: %d, want 403 saying whom to ask\n%s", p.status, p.body)
	}
}
