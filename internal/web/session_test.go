package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, tc := range []struct {
			name       string
			body       any
			wantStatus int
			wantDetail string
		}{
			{"right password", map[string]string{"email": "Analyst@Centre.example", "password": password}, http.StatusOK, ""},
			{"wrong password", map[string]string{"email": "analyst@centre.example", "password": "not the password"}, http.StatusUnauthorized, "email address or password is wrong"},
			{"unknown email", map[string]string{"email": "nobody@centre.example", "password": password}, http.StatusUnauthorized, "email address or password is wrong"},
			{"not JSON", `{"email": "analyst@centre.example", "password": `, http.StatusBadRequest, ""},
			{"no password", map[string]string{"email": "analyst@centre.example"}, http.StatusUnprocessableEntity, "validation failed"},
			{"password not a string", map[string]any{"email": "analyst@centre.example", "password": 12}, http.StatusUnprocessableEntity, "validation failed"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.do("POST", "/api/v1/session", tc.body, noAuth)
				if r.status != tc.wantStatus {
					t.Fatalf("status %d, want %d: %s", r.status, tc.wantStatus, r.body)
				}
				c, err := r.sessionCookie()
				if tc.wantStatus != http.StatusOK {
					if p := r.problem(t); !strings.Contains(p.Detail, tc.wantDetail) {
						t.Errorf("detail %q, want it to contain %q", p.Detail, tc.wantDetail)
					}
					if err == nil {
						t.Errorf("a failed sign-in set a cookie")
					}
					if tc.wantStatus == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
						t.Errorf("401 without WWW-Authenticate")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || c.Expires.IsZero() {
					t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP, Path=/, an expiry", c)
				}
				if got := r.header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", got)
				}
			})
		}
		audit := f.auditActions(t)
		if audit["user.login"] != 1 || audit["user.login_failed"] != 2 {
			t.Errorf("audit actions %v, want 1 user.login and 2 user.login_failed", audit)
		}
		rows, _, err := s.ListAudit(context.Background(), vigil.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rows {
			if strings.Contains(e.Detail, "password") || strings.Contains(e.Detail, "not the password") {
				t.Errorf("audit row %d holds a password: %s", e.Seq, e.Detail)
			}
		}
	})
}

// auditActions counts the audit log's rows by action.
func (f *fixture) auditActions(t *testing.T) map[string]int {
	t.Helper()
	rows, _, err := f.store.ListAudit(context.Background(), vigil.AuditFilter{Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range rows {
		n[e.Action]++
	}
	return n
}

func TestSessionLifecycle(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	r := f.do("POST", "/api/v1/session", map[string]string{"email": "member@rxa.example", "password": password}, noAuth)
	c, err := r.sessionCookie()
	if err != nil {
		t.Fatalf("%v: %d %s", err, r.status, r.body)
	}
	var me struct{ Email, Role, Org, Auth string }
	f.do("GET", "/api/v1/me", nil, cookie(c.Value)).decode(t, &me)
	if me.Email != "member@rxa.example" || me.Role != "org_member" || me.Org != ownOrg || me.Auth != "session" {
		t.Errorf("me = %+v", me)
	}
	r = f.do("DELETE", "/api/v1/session", nil, cookie(c.Value))
	if r.status != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", r.status, r.body)
	}
	if gone, err := r.sessionCookie(); err != nil || gone.MaxAge >= 0 {
		t.Errorf("sign out did not clear the cookie: %v %v", gone, err)
	}
	if r := f.do("GET", "/api/v1/me", nil, cookie(c.Value)); r.status != http.StatusUnauthorized {
		t.Errorf("me after sign out: %d, want 401", r.status)
	}
	if r := f.do("DELETE", "/api/v1/session", nil, noAuth); r.status != http.StatusNoContent {
		t.Errorf("signing out twice: %d, want 204", r.status)
	}
	if n := f.auditActions(t)["user.logout"]; n != 1 {
		t.Errorf("%d user.logout rows, want 1", n)
	}
}

func TestSecureCookie(t *testing.T) {
	f := startServer(t, storetest.Open(t), web.Deps{SecureCookies: true})
	f.seed()
	r := f.do("POST", "/api/v1/session", map[string]string{"email": "member@rxa.example", "password": password}, noAuth)
	c, err := r.sessionCookie()
	if err != nil || !c.Secure {
		t.Errorf("cookie %+v (%v), want Secure", c, err)
	}
}

func TestSignInRateLimit(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	login := func(email, pw string) response {
		return f.do("POST", "/api/v1/session", map[string]string{"email": email, "password": pw}, noAuth)
	}
	for i := range 5 {
		if r := login("member@rxa.example", "wrong password"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i+1, r.status, r.body)
		}
	}
	r := login("member@rxa.example", password)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("sixth attempt: %d Retry-After %q, want 429 and 1 (slowed down, not locked out): %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if p := r.problem(t); !strings.Contains(p.Detail, "wait 1 second") {
		t.Errorf("detail %q does not say how long to wait", p.Detail)
	}
	if r := login("admin@rxa.example", password); r.status != http.StatusOK {
		t.Fatalf("another account from the same address after 5 failures: %d, want 200", r.status)
	}
	for i := range 15 {
		login("nobody"+string(rune('a'+i))+"@rxa.example", "wrong password")
	}
	if r := login("admin@rxa.example", password); r.status != http.StatusTooManyRequests {
		t.Errorf("after 20 failures from one address: %d, want 429", r.status)
	}

	// Failures from one address never keep the account's owner out at another.
	g := startServer(t, storetest.Open(t), web.Deps{TrustedProxies: []string{"127.0.0.1"}})
	g.seed()
	from := func(ip, pw string) response {
		return g.do("POST", "/api/v1/session", map[string]string{"email": "member@rxa.example", "password": pw}, noAuth, "X-Forwarded-For", ip)
	}
	for range 5 {
		from("203.0.113.5", "wrong password")
	}
	if r := from("203.0.113.5", password); r.status != http.StatusTooManyRequests {
		t.Errorf("right password from the failing address: %d, want 429", r.status)
	}
	if r := from("203.0.113.6", password); r.status != http.StatusOK {
		t.Errorf("right password from another address after 5 failures elsewhere: %d %s, want 200", r.status, r.body)
	}
}
