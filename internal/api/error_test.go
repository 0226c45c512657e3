package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
)

func TestProblem(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		wantStatus int
		wantDetail string
		wantHeader [2]string
		wantLogged bool
	}{
		{"invalid", vigil.Errorf(vigil.EINVALID, "kind %q is not known", "x"), 422, `kind "x" is not known`, [2]string{}, false},
		{"not found, wrapped", fmt.Errorf("get: %w", vigil.Errorf(vigil.ENOTFOUND, "no alert 7")), 404, "no alert 7", [2]string{}, false},
		{"conflict", vigil.Errorf(vigil.ECONFLICT, "already resolved"), 409, "already resolved", [2]string{}, false},
		{"forbidden", vigil.Errorf(vigil.EFORBIDDEN, "no"), 403, "no", [2]string{}, false},
		{"unauthorized", vigil.Errorf(vigil.EUNAUTHORIZED, "sign in"), 401, "sign in", [2]string{"WWW-Authenticate", `Bearer realm="vigil"`}, false},
		{"unavailable", vigil.Errorf(vigil.EUNAVAILABLE, "later"), 503, "later", [2]string{"Retry-After", "10"}, false},
		{"throttled", &throttled{message: "slow down", after: 90 * time.Second}, 429, "slow down", [2]string{"Retry-After", "90"}, false},
		{"internal", errors.New("pq: relation \"alerts\" does not exist"), 500, "quote request req-1", [2]string{}, true},
		{"internal code", vigil.Errorf(vigil.EINTERNAL, "disk on fire"), 500, "something went wrong", [2]string{}, true},
		{"a problem already", huma.Error413RequestEntityTooLarge("too big"), 413, "too big", [2]string{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			p, h := Problem(WithRequestID(context.Background(), "req-1"), log, tc.err)
			if p.Status != tc.wantStatus || !strings.Contains(p.Detail, tc.wantDetail) {
				t.Errorf("problem %d %q, want %d containing %q", p.Status, p.Detail, tc.wantStatus, tc.wantDetail)
			}
			if tc.wantHeader[0] != "" && h.Get(tc.wantHeader[0]) != tc.wantHeader[1] {
				t.Errorf("header %s = %q, want %q", tc.wantHeader[0], h.Get(tc.wantHeader[0]), tc.wantHeader[1])
			}
			if tc.wantLogged != strings.Contains(logs.String(), "internal error") {
				t.Errorf("logged %q; want logged: %v", logs.String(), tc.wantLogged)
			}
			if tc.wantStatus == http.StatusInternalServerError && strings.Contains(p.Detail, "fire") || strings.Contains(p.Detail, "relation") {
				t.Errorf("internal detail leaks: %q", p.Detail)
			}
			if tc.wantStatus != 413 && p.Instance != "urn:vigil:request:req-1" {
				t.Errorf("instance %q does not name the request", p.Instance)
			}
		})
	}
}

func TestAccessCheck(t *testing.T) {
	as := func(r vigil.Role) context.Context {
		return WithPrincipal(context.Background(), vigil.Principal{Role: r, Email: "x"})
	}
	for _, tc := range []struct {
		name string
		acc  Access
		ctx  context.Context
		want string
	}{
		{"anonymous, open", anyone, context.Background(), ""},
		{"anonymous, closed", people, context.Background(), vigil.EUNAUTHORIZED},
		{"listed role", sector, as(vigil.RoleSectorAnalyst), ""},
		{"unlisted role", sector, as(vigil.RoleOrgAdmin), vigil.EFORBIDDEN},
		{"sensor, open operation", anyone, as(vigil.RoleSensor), vigil.EFORBIDDEN},
		{"sensor, listed", Access{Roles: []vigil.Role{vigil.RoleSensor}}, as(vigil.RoleSensor), ""},
		{"any person, open operation", anyone, as(vigil.RoleSupplier), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := vigil.ErrorCode(tc.acc.check(tc.ctx)); got != tc.want {
				t.Errorf("check = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProblemRedacts(t *testing.T) {
	long := strings.Repeat("é", 600)
	many := make([]*huma.ErrorDetail, 30)
	for i := range many {
		many[i] = &huma.ErrorDetail{Message: "expected string", Location: fmt.Sprintf("body.items[%d]", i), Value: i}
	}
	for _, tc := range []struct {
		name   string
		detail *huma.ErrorDetail
		want   huma.ErrorDetail
	}{
		{"password", &huma.ErrorDetail{Message: "expected length <= 4096", Location: "body.password", Value: "hunter2hunter2"},
			huma.ErrorDetail{Message: "expected length <= 4096", Location: "body.password"}},
		{"new password", &huma.ErrorDetail{Location: "body.new_Password", Value: "x"}, huma.ErrorDetail{Location: "body.new_Password"}},
		{"token", &huma.ErrorDetail{Location: "body.token", Value: "vgl_abc"}, huma.ErrorDetail{Location: "body.token"}},
		{"authorization header", &huma.ErrorDetail{Location: "header.Authorization", Value: "Bearer vgl_abc"}, huma.ErrorDetail{Location: "header.Authorization"}},
		{"object", &huma.ErrorDetail{Location: "body.extra", Value: map[string]any{"password": "x"}}, huma.ErrorDetail{Location: "body.extra"}},
		{"array", &huma.ErrorDetail{Location: "body.tags", Value: []any{"a"}}, huma.ErrorDetail{Location: "body.tags"}},
		{"long string cut to 200 characters", &huma.ErrorDetail{Location: "body.email", Value: long},
			huma.ErrorDetail{Location: "body.email", Value: strings.Repeat("é", 199) + "…"}},
		{"long location and message cut", &huma.ErrorDetail{Message: long, Location: "body." + long},
			huma.ErrorDetail{Message: strings.Repeat("é", 199) + "…", Location: "body." + strings.Repeat("é", 194) + "…"}},
		{"a body that is not JSON", &huma.ErrorDetail{Message: "unexpected end of JSON input", Location: "body", Value: `{"password":"hunter2"`},
			huma.ErrorDetail{Message: "unexpected end of JSON input", Location: "body"}},
		{"no location", &huma.ErrorDetail{Message: "bad", Value: "hunter2"}, huma.ErrorDetail{Message: "bad"}},
		{"nested secret", &huma.ErrorDetail{Location: "body.feeds[2].auth.Password", Value: "hunter2"}, huma.ErrorDetail{Location: "body.feeds[2].auth.Password"}},
		{"webhook URL", &huma.ErrorDetail{Location: "body.url", Value: "https://hooks.slack.example/T0/B0/x"}, huma.ErrorDetail{Location: "body.url"}},
		{"number kept", &huma.ErrorDetail{Location: "body.limit", Value: 5.0}, huma.ErrorDetail{Location: "body.limit", Value: 5.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := Problem(context.Background(), slog.New(slog.DiscardHandler), &huma.ErrorModel{Status: 422, Errors: []*huma.ErrorDetail{tc.detail}})
			if len(p.Errors) != 1 || fmt.Sprint(*p.Errors[0]) != fmt.Sprint(tc.want) {
				t.Errorf("errors %v, want [%v]", p.Errors, tc.want)
			}
		})
	}
	t.Run("at most 20 errors", func(t *testing.T) {
		p, _ := Problem(context.Background(), slog.New(slog.DiscardHandler), &huma.ErrorModel{Status: 422, Errors: many})
		if len(p.Errors) != 21 || p.Errors[20].Message != "10 more errors left out" {
			t.Errorf("%d errors, last %+v; want 20 and a note of 10 more", len(p.Errors), p.Errors[len(p.Errors)-1])
		}
	})
}
