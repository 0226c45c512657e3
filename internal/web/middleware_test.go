package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// TestErrorsEchoNoSecrets sends bodies that fail validation, and bodies that are not
// JSON at all, and checks that the problem echoes no password, feed credential or webhook
// URL and stays small.
func TestErrorsEchoNoSecrets(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	nested := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	const signIn = "POST /api/v1/session"
	for _, tc := range []struct {
		name, route, role, body string
		status                  int
		location                string
	}{
		{"password too long", signIn, "anonymous", `{"email": "member@rxa.example", "password": "SECRET-` + strings.Repeat("x", 5000) + `"}`, 422, "body.password"},
		{"password not a string", signIn, "anonymous", `{"email": "member@rxa.example", "password": {"a": ` + nested(`{"a":`, "}", 3000) + `}}`, 422, "body.password"},
		{"unexpected property beside a password", signIn, "anonymous", `{"email": 5, "password": "SECRET-pw", "extra": ` + nested("[", "]", 5000) + `}`, 422, "body.extra"},
		{"email far too long", signIn, "anonymous", `{"email": "` + strings.Repeat("e", 600) + `", "password": "SECRET-pw"}`, 422, "body.email"},
		{"sign-in body cut short", signIn, "anonymous", `{"email":"member@rxa.example","password":"SECRET-pw"`, 400, "body"},
		{"password change cut short", "PUT /api/v1/session/password", "org_member", `{"current_password":"SECRET-old","new_password":"SECRET-new`, 400, "body"},
		{"feed with a broken body", "POST /api/v1/feeds", "sector_admin", `{"name":"x","kind":"url","url":"https://feed.example/?key=SECRET","password":"SECRET-pw",}`, 400, "body"},
		{"webhook with a broken body", "POST /api/v1/webhooks", "org_admin", `{"kind":"slack","url":"https://hooks.slack.example/services/SECRET"`, 400, "body"},
		{"webhook URL too long", "POST /api/v1/webhooks", "org_admin", `{"kind":"slack","url":"https://hooks.slack.example/SECRET/` + strings.Repeat("x", 2000) + `"}`, 422, "body.url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method, path, _ := strings.Cut(tc.route, " ")
			r := f.do(method, path, tc.body, f.as(tc.role))
			p := r.problem(t)
			if r.status != tc.status {
				t.Errorf("status %d, want %d: %.300s", r.status, tc.status, r.body)
			}
			if strings.Contains(string(r.body), "SECRET") {
				t.Errorf("the problem echoes a secret: %.300s", r.body)
			}
			if len(r.body) > 2000 {
				t.Errorf("the problem is %d bytes: %.300s", len(r.body), r.body)
			}
			found := false
			for _, e := range p.Errors {
				found = found || e.Location == tc.location && e.Message != ""
			}
			if !found {
				t.Errorf("errors %+v do not name %s with a message", p.Errors, tc.location)
			}
		})
	}
}

// TestBehindProxy checks that behind a trusted proxy the sign-in limits count the
// client's address, not the proxy's, and the session cookie is Secure when the proxy
// says the client came over HTTPS.
func TestBehindProxy(t *testing.T) {
	f := startServer(t, storetest.Open(t), web.Deps{TrustedProxies: []string{"127.0.0.1"}})
	f.seed()
	login := func(email, pw, from string, headers ...string) response {
		return f.do("POST", "/api/v1/session", map[string]string{"email": email, "password": pw}, noAuth,
			append([]string{"X-Forwarded-For", from}, headers...)...)
	}
	for i := range 20 {
		if r := login(fmt.Sprintf("nobody%d@rxa.example", i), "wrong password", "203.0.113.5"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, r.status, r.body)
		}
	}
	if r := login("admin@rxa.example", password, "203.0.113.5"); r.status != http.StatusTooManyRequests {
		t.Errorf("21st attempt from the address that failed 20 times: %d, want 429", r.status)
	}
	r := login("admin@rxa.example", password, "203.0.113.6", "X-Forwarded-Proto", "https")
	if r.status != http.StatusOK {
		t.Fatalf("another client behind the same proxy: %d %s, want 200", r.status, r.body)
	}
	if c, err := r.sessionCookie(); err != nil || !c.Secure {
		t.Errorf("cookie %+v (%v) of a sign-in over HTTPS through the proxy, want Secure", c, err)
	}
	r = login("member@rxa.example", password, "203.0.113.7", "X-Forwarded-Proto", "http")
	if c, err := r.sessionCookie(); err != nil || c.Secure {
		t.Errorf("cookie %+v (%v) of a sign-in over plain HTTP, want not Secure", c, err)
	}

	// Without the proxy trusted, its headers count for nothing.
	g := newFixture(t, storetest.Open(t))
	r = g.do("POST", "/api/v1/session", map[string]string{"email": "admin@rxa.example", "password": password}, noAuth,
		"X-Forwarded-For", "203.0.113.6", "X-Forwarded-Proto", "https")
	if c, err := r.sessionCookie(); err != nil || c.Secure {
		t.Errorf("cookie %+v (%v) when an untrusted sender claims HTTPS, want not Secure", c, err)
	}
}

// TestSignInEmailSpelling checks that another spelling of an address is refused as a bad
// request that says how to write it, not counted as a failure of the account.
func TestSignInEmailSpelling(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	for _, c := range []struct{ email, says string }{
		{"admin@rxa.example.", "without the dot at the end"},
		{"<admin@rxa.example>", "not an email address as vigil writes them"},
		{"mailto:admin@rxa.example", "not an email address as vigil writes them"},
		{"ａｄｍｉｎ@rxa.example", "not an email address as vigil writes them"},
	} {
		r := f.do("POST", "/api/v1/session", map[string]string{"email": c.email, "password": password}, noAuth)
		if p := r.problem(t); r.status != http.StatusBadRequest || !strings.Contains(p.Detail, c.says) {
			t.Errorf("sign-in as %s: %d %q, want 400 saying %q", c.email, r.status, p.Detail, c.says)
		}
	}
	if r := f.do("POST", "/api/v1/session", map[string]string{"email": "admin@rxa.example", "password": password}, noAuth); r.status != http.StatusOK {
		t.Errorf("sign-in in the canonical spelling after four malformed ones: %d, want 200 (they count for nothing)", r.status)
	}
}
