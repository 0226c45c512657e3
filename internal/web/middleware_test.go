package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestErrorsEchoNoSecrets sends bodies that fail validation and checks that the problem
// echoes no password and stays small.
func TestErrorsEchoNoSecrets(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	nested := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	for _, tc := range []struct{ name, body, location string }{
		{"password too long", `{"email": "member@rxa.example", "password": "SECRET-` + strings.Repeat("x", 5000) + `"}`, "body.password"},
		{"password not a string", `{"email": "member@rxa.example", "password": {"a": ` + nested(`{"a":`, "}", 3000) + `}}`, "body.password"},
		{"unexpected property beside a password", `{"email": 5, "password": "SECRET-pw", "extra": ` + nested("[", "]", 5000) + `}`, "body.extra"},
		{"email far too long", `{"email": "` + strings.Repeat("e", 600) + `", "password": "SECRET-pw"}`, "body.email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/api/v1/session", tc.body, noAuth)
			p := r.problem(t)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", r.status)
			}
			if strings.Contains(string(r.body), "SECRET") {
				t.Errorf("the problem echoes the password: %.300s", r.body)
			}
			if len(r.body) > 2000 {
				t.Errorf("the problem is %d bytes: %.300s", len(r.body), r.body)
			}
			found := false
			for _, e := range p.Errors {
				found = found || e.Location == tc.location
			}
			if !found {
				t.Errorf("errors %+v do not name %s", p.Errors, tc.location)
			}
		})
	}
}
