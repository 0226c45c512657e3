package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

type tokenJSON struct {
	Token     string `json:"token"`
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	UserID    int64  `json:"user_id"`
	SensorOrg string `json:"sensor_org"`
	Hint      string `json:"hint"`
}

func TestTokens(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	for _, tc := range []struct {
		name, role string
		body       map[string]any
		want       int
		wantSensor string
	}{
		{"user token", "org_member", map[string]any{"name": "SIEM export"}, http.StatusCreated, ""},
		{"user token without a name", "supplier", map[string]any{}, http.StatusCreated, ""},
		{"sensor token", "sector_admin", map[string]any{"sensor": true, "org": "rxa"}, http.StatusCreated, ownOrg},
		{"sensor token by an analyst", "sector_analyst", map[string]any{"sensor": true, "org": "RXA"}, http.StatusForbidden, ""},
		{"sensor token by an org_admin, for their organisation", "org_admin", map[string]any{"sensor": true}, http.StatusCreated, ownOrg},
		{"sensor token by an org_admin, for another", "org_admin", map[string]any{"sensor": true, "org": "RXB"}, http.StatusForbidden, ""},
		{"sensor token without an organisation", "sector_admin", map[string]any{"sensor": true}, http.StatusUnprocessableEntity, ""},
		{"sensor token for no organisation", "sector_admin", map[string]any{"sensor": true, "org": "RZZ"}, http.StatusUnprocessableEntity, ""},
		{"user token with an organisation", "org_admin", map[string]any{"org": "RXA"}, http.StatusUnprocessableEntity, ""},
		{"expiry in the past", "org_admin", map[string]any{"expires_at": "2001-01-01T00:00:00Z"}, http.StatusUnprocessableEntity, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("POST", "/api/v1/tokens", tc.body, f.as(tc.role))
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want != http.StatusCreated {
				r.problem(t)
				return
			}
			var tok tokenJSON
			r.decode(t, &tok)
			if !strings.HasPrefix(tok.Token, "vgl_") || tok.SensorOrg != tc.wantSensor || r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("token %+v, Cache-Control %q", tok, r.header.Get("Cache-Control"))
			}
			wantStatus := http.StatusOK
			if tc.wantSensor != "" {
				wantStatus = http.StatusForbidden // a sensor may call nothing here
			}
			if r := f.do("GET", "/api/v1/me", nil, bearer(tok.Token)); r.status != wantStatus {
				t.Errorf("GET /me with the new token: %d, want %d", r.status, wantStatus)
			}
		})
	}

	// The token is shown once; lists give only its hint. A token cannot make tokens.
	var created tokenJSON
	f.do("POST", "/api/v1/tokens", map[string]any{"name": "mine"}, f.as("org_admin")).decode(t, &created)
	r := f.do("GET", "/api/v1/tokens", nil, bearer(created.Token))
	if r.status != http.StatusOK || strings.Contains(string(r.body), created.Token) || !strings.Contains(string(r.body), created.Hint) {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/api/v1/tokens", map[string]any{}, bearer(created.Token)); r.status != http.StatusForbidden {
		t.Errorf("a token making a token: %d, want 403", r.status)
	}
	var sensors pageJSON[tokenJSON]
	f.do("GET", "/api/v1/tokens?org=RXA", nil, f.as("sector_admin")).decode(t, &sensors)
	if len(sensors.Items) < 2 {
		t.Errorf("RXA's tokens as a sector_admin: %+v", sensors.Items)
	}
	if r := f.do("GET", "/api/v1/tokens?org=RXB", nil, f.as("org_admin")); r.status != http.StatusForbidden {
		t.Errorf("an org_admin listing another organisation: %d, want 403", r.status)
	}
	// The trust's IT lead sees its sensors' tokens, who made them and never the secret,
	// and may revoke one; pushing telemetry with a person's session says how to get one.
	zeek := f.do("POST", "/api/v1/tokens", map[string]any{"sensor": true, "org": "RXA", "name": "Zeek, main site"}, f.as("sector_admin"))
	var sensor tokenJSON
	zeek.decode(t, &sensor)
	var mine pageJSON[struct {
		tokenJSON
		CreatedBy string `json:"created_by"`
	}]
	r = f.do("GET", "/api/v1/tokens", nil, f.as("org_admin"))
	r.decode(t, &mine)
	found := false
	for _, it := range mine.Items {
		found = found || it.ID == sensor.ID && it.CreatedBy == f.users["sector_admin"].Email && it.Token == ""
	}
	if !found || strings.Contains(string(r.body), sensor.Token) {
		t.Errorf("the org_admin's list: want the sensor token %d made by the sector admin, without its secret: %s", sensor.ID, r.body)
	}
	// A leaked personal token of the IT lead cannot switch the sensors off, nor list
	// them: only a signed-in session manages tokens.
	if r := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", sensor.ID), nil, bearer(created.Token)); r.status != http.StatusForbidden || !strings.Contains(r.problem(t).Detail, "sign in") {
		t.Errorf("the org_admin's API token revoking the sensor's token: %d %s, want 403 saying to sign in", r.status, r.body)
	}
	if r := f.do("GET", "/api/v1/tokens", nil, bearer(created.Token)); strings.Contains(string(r.body), sensor.Hint) {
		t.Errorf("the org_admin's API token lists the sensor's token: %s", r.body)
	}
	if r := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", sensor.ID), nil, f.as("org_admin")); r.status != http.StatusNoContent {
		t.Errorf("the org_admin revokes their sensor's token: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/api/v1/telemetry", nil, f.as("org_admin")); r.status != http.StatusForbidden || !strings.Contains(r.problem(t).Detail, "org_admin creates for their own organisation") {
		t.Errorf("an org_admin pushing telemetry: %d %s, want 403 saying who makes sensor tokens", r.status, r.body)
	}

	// Revoking: another user's token is not found; one's own goes.
	del := fmt.Sprintf("/api/v1/tokens/%d", created.ID)
	if r := f.do("DELETE", del, nil, f.as("org_member")); r.status != http.StatusNotFound {
		t.Errorf("revoking another user's token: %d, want 404", r.status)
	}
	if r := f.do("DELETE", del, nil, f.as("org_admin")); r.status != http.StatusNoContent {
		t.Errorf("revoking one's own token: %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/api/v1/me", nil, bearer(created.Token)); r.status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", r.status)
	}
	if r := f.do("DELETE", del, nil, f.as("org_admin")); r.status != http.StatusNoContent {
		t.Errorf("revoking twice: %d, want 204", r.status)
	}
	if audit := f.auditActions(t); audit["token.create"] != 6 || audit["token.revoke"] != 2 {
		t.Errorf("audit %v, want 6 token.create (four in the table, the list's, Zeek's) and 2 token.revoke (Zeek's, the list's once)", audit)
	}
}

func TestAuditEndpoints(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	f.do("POST", "/api/v1/session", map[string]string{"email": "admin@rxa.example", "password": "wrong password"}, noAuth)
	f.do("PATCH", "/api/v1/orgs/RXA", map[string]any{"name": "Renamed"}, f.as("org_admin"))
	var page pageJSON[struct {
		Seq    int64          `json:"seq"`
		Actor  string         `json:"actor"`
		Action string         `json:"action"`
		Target string         `json:"target"`
		Detail map[string]any `json:"detail"`
	}]
	r := f.do("GET", "/api/v1/audit?limit=1", nil, f.as("sector_admin"))
	r.decode(t, &page)
	if len(page.Items) != 1 || page.NextCursor == "" {
		t.Fatalf("audit page: %s", r.body)
	}
	if e := page.Items[0]; e.Actor != "admin@rxa.example" || e.Action != "org.update" || e.Target != ownOrg || e.Detail["name"] != "Renamed" {
		t.Errorf("newest audit row %+v", e)
	}
	f.do("GET", "/api/v1/audit?action=user.login_failed", nil, f.as("sector_admin")).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Actor != "admin@rxa.example" || page.Items[0].Detail["reason"] != "bad_credentials" {
		t.Errorf("failed sign-ins: %+v", page.Items)
	}
	var v struct {
		OK      bool  `json:"ok"`
		Rows    int64 `json:"rows"`
		HeadSeq int64 `json:"head_seq"`
	}
	f.do("GET", "/api/v1/audit/verify", nil, f.as("sector_admin")).decode(t, &v)
	if !v.OK || v.Rows != 2 || v.HeadSeq != 2 {
		t.Errorf("verify: %+v", v)
	}
	// A head recorded elsewhere that the log no longer reaches is a finding.
	var cut struct {
		OK       bool   `json:"ok"`
		FirstBad int64  `json:"first_bad"`
		Problem  string `json:"problem"`
	}
	f.do("GET", "/api/v1/audit/verify?head=5:"+strings.Repeat("0", 64), nil, f.as("sector_admin")).decode(t, &cut)
	if cut.OK || cut.FirstBad != 3 || !strings.Contains(cut.Problem, "rows 3 to 5 were cut from the end") {
		t.Errorf("verify with a later head: %+v", cut)
	}
	if r := f.do("GET", "/api/v1/audit/verify?head=5", nil, f.as("sector_admin")); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "SEQ:HASH") {
		t.Errorf("verify with a malformed head: %d %s", r.status, r.body)
	}
}
