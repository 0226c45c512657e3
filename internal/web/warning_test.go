package web_test

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// eventsJSON is the answer to POST /events.
type eventsJSON struct {
	Accepted, Routed, Unrouted, Alerts, Repeats, Rejected int
	Problems                                              []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	}
}

type ewAlertJSON struct {
	ID         int64  `json:"id"`
	Org        string `json:"org"`
	Observable string `json:"observable"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	Severity   string `json:"severity"`
	TLP        string `json:"tlp"`
}

func TestEventsReachTheirOwnersOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		seen := time.Now().Add(-time.Hour)
		body := strings.Join([]string{
			eventLine("compromise", "192.0.2.10", seen, "high"),
			`{"type":"open_port","observable":"198.51.100.20","time":"yesterday"}`,
			eventLine("open_port", "198.51.100.20", seen, "medium"),
			eventLine("scan", "192.0.2.200", seen, "low"), // RXA has 192.0.2.0/25 only
		}, "\n")
		r := f.do("POST", "/api/v1/events", body, f.as("sector_analyst"), "Content-Type", "application/x-ndjson")
		if r.status != http.StatusOK {
			t.Fatalf("POST /events = %d: %s", r.status, r.body)
		}
		var res eventsJSON
		r.decode(t, &res)
		if res.Accepted != 3 || res.Routed != 2 || res.Unrouted != 1 || res.Alerts != 2 || res.Rejected != 1 {
			t.Errorf("result %+v, want 3 accepted, 2 routed, 1 unrouted, 2 alerts, 1 rejected", res)
		}
		if len(res.Problems) != 1 || res.Problems[0].Line != 2 || !strings.Contains(res.Problems[0].Message, "time") {
			t.Errorf("problems %+v, want line 2 about its time", res.Problems)
		}

		own := f.ewAlerts(t, "org_member", "/api/v1/alerts")
		if len(own) != 1 || own[0].Observable != "192.0.2.10" || own[0].Org != ownOrg || own[0].Severity != "high" ||
			!strings.Contains(own[0].Body, "isolate it") {
			t.Fatalf("RXA's member sees %+v, want only the compromise of 192.0.2.10 with what to do", own)
		}
		other := f.ewAlerts(t, "other_admin", "/api/v1/alerts")
		if len(other) != 1 || other[0].Observable != "198.51.100.20" {
			t.Fatalf("RXB's admin sees %+v, want only the open port on 198.51.100.20", other)
		}
		if r := f.do("GET", "/api/v1/alerts/"+strconv.FormatInt(other[0].ID, 10), nil, f.as("org_admin")); r.status != http.StatusNotFound {
			t.Errorf("RXA's admin reading RXB's alert = %d, want 404", r.status)
		}

		var unrouted pageJSON[struct{ Observable, Reporter string }]
		f.do("GET", "/api/v1/unrouted", nil, f.as("sector_admin")).decode(t, &unrouted)
		if len(unrouted.Items) != 1 || unrouted.Items[0].Observable != "192.0.2.200" || unrouted.Items[0].Reporter != "analyst@centre.example" {
			t.Errorf("unrouted %+v, want 192.0.2.200 reported by the analyst", unrouted.Items)
		}

		var outbox pageJSON[struct {
			Org, Kind, Subject string
			AlertID            int64 `json:"alert_id"`
		}]
		f.do("GET", "/api/v1/outbox", nil, f.as("org_member")).decode(t, &outbox)
		if len(outbox.Items) != 1 || outbox.Items[0].AlertID != own[0].ID || outbox.Items[0].Kind != "immediate" {
			t.Errorf("RXA's outbox %+v, want the immediate message for its high alert only", outbox.Items)
		}
		f.do("GET", "/api/v1/outbox?org="+otherOrg, nil, f.as("sector_analyst")).decode(t, &outbox)
		if len(outbox.Items) != 0 {
			t.Errorf("RXB's outbox %+v, want nothing: its alert is medium, for the digest", outbox.Items)
		}
	})
}

// An event's TLP is carried onto its alert (GREEN when it does not say), so a partner's
// TLP:RED report is not shown to the organisation's supplier.
func TestEventsCarryTheirTLP(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	seen := time.Now().Add(-time.Hour)
	red := strings.TrimSuffix(eventLine("botnet", "192.0.2.11", seen, "medium"), "}") + `,"tlp":"TLP:RED"}`
	body := red + "\n" + eventLine("scan", "192.0.2.12", seen, "medium")
	if r := f.do("POST", "/api/v1/events", body, f.as("sector_analyst")); r.status != http.StatusOK {
		t.Fatalf("POST /events = %d: %s", r.status, r.body)
	}
	tlps := map[string]string{}
	for _, a := range f.ewAlerts(t, "sector_analyst", "/api/v1/alerts") {
		tlps[a.Observable] = a.TLP
	}
	if tlps["192.0.2.11"] != "RED" || tlps["192.0.2.12"] != "GREEN" {
		t.Errorf("alerts' TLP by observable %v, want 192.0.2.11 RED and 192.0.2.12 GREEN", tlps)
	}
	for _, a := range f.ewAlerts(t, "supplier", "/api/v1/alerts") {
		if a.Observable == "192.0.2.11" {
			t.Errorf("the supplier sees the TLP:RED event's alert %d", a.ID)
		}
	}
}

// A high TLP:RED event's immediate message names the organisation's administrators (and
// named contacts) and is not listed to a member who is not named; nor is its alert.
func TestRedEventsGoToNamedRecipients(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	red := strings.TrimSuffix(eventLine("compromise", "192.0.2.13", time.Now().Add(-time.Hour), "high"), "}") + `,"tlp":"red"}`
	if r := f.do("POST", "/api/v1/events", red, f.as("sector_analyst")); r.status != http.StatusOK {
		t.Fatalf("POST /events = %d: %s", r.status, r.body)
	}
	type message struct {
		Kind       string   `json:"kind"`
		Recipients []string `json:"recipients"`
	}
	var admin, member pageJSON[message]
	f.do("GET", "/api/v1/outbox", nil, f.as("org_admin")).decode(t, &admin)
	if len(admin.Items) != 1 || !slices.Equal(admin.Items[0].Recipients, []string{"admin@rxa.example"}) {
		t.Errorf("the admin reads %+v, want one message naming admin@rxa.example", admin.Items)
	}
	f.do("GET", "/api/v1/outbox", nil, f.as("org_member")).decode(t, &member)
	if len(member.Items) != 0 {
		t.Errorf("a member who is not named reads %+v", member.Items)
	}
	if as := f.ewAlerts(t, "org_member", "/api/v1/alerts"); len(as) != 0 {
		t.Errorf("a member who is not named sees the TLP:RED alerts %+v", as)
	}
}

func TestEventsWithNoValidLineAreRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for name, tc := range map[string]struct {
			body     string
			detail   string
			location string
		}{
			"every line bad": {"{not json\n" + `{"type":"compromise"}`, "none of the 2 lines is a valid event", "body line 1"},
			"empty":          {"", "the body holds no events", ""},
			"blank lines":    {"\n  \n", "the body holds no events", ""},
		} {
			t.Run(name, func(t *testing.T) {
				r := f.do("POST", "/api/v1/events", tc.body, f.as("sector_admin"))
				if r.status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %s", r.status, r.body)
				}
				p := r.problem(t)
				if !strings.Contains(p.Detail, tc.detail) {
					t.Errorf("detail %q, want it to say %q", p.Detail, tc.detail)
				}
				if tc.location != "" && (len(p.Errors) == 0 || p.Errors[0].Location != tc.location || p.Errors[0].Message == "") {
					t.Errorf("errors %+v, want the first at %s with a message", p.Errors, tc.location)
				}
			})
		}
	})
}

func TestEventsOverTheCapKeepWhatCameBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := startServer(t, s, web.Deps{BodyLimits: map[string]int64{"/api/v1/events": 4096}})
		f.seed()
		var b strings.Builder
		for i := 0; b.Len() < 64<<10; i++ {
			b.WriteString(eventLine("malware", "https://rxa.example/f/"+strconv.Itoa(i), time.Now().Add(-time.Hour), "low") + "\n")
		}
		// Sent without a length, so that the server finds out only as it reads.
		req, err := http.NewRequest("POST", f.url+"/api/v1/events", io.MultiReader(strings.NewReader(b.String())))
		if err != nil {
			t.Fatal(err)
		}
		f.as("sector_admin")(req)
		res, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "events before the cut were stored") {
			t.Fatalf("status %d %s, want 413 saying what was stored", res.StatusCode, body)
		}
		// Whatever was read before the cut is stored and can be found; nothing is half-written.
		stored := len(f.ewAlerts(t, "org_admin", "/api/v1/alerts"))
		if stored == 0 || !strings.Contains(string(body), " "+strconv.Itoa(stored)+" events") {
			t.Errorf("%d alerts stored; the answer said %s", stored, body)
		}
	})
}

func TestAssetChangesReachTheRouter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		seen := time.Now().Add(-time.Hour)
		send := func(obs string) eventsJSON {
			t.Helper()
			var res eventsJSON
			r := f.do("POST", "/api/v1/events", eventLine("open_port", obs, seen, "low"), f.as("sector_analyst"))
			if r.status != http.StatusOK {
				t.Fatalf("POST /events: %d %s", r.status, r.body)
			}
			r.decode(t, &res)
			return res
		}
		r := f.do("POST", "/api/v1/orgs", map[string]any{"ods_code": "VN123", "name": "Rowan Care Home", "kind": "care_provider",
			"ip_ranges": []string{"192.0.2.128/25"}}, f.as("sector_admin"))
		if r.status != http.StatusCreated {
			t.Fatalf("POST /orgs: %d %s", r.status, r.body)
		}
		if res := send("192.0.2.200"); res.Routed != 1 {
			t.Errorf("an event in the new organisation's range: %+v, want routed", res)
		}
		r = f.do("PATCH", "/api/v1/orgs/VN123", map[string]any{"add_assets": map[string]any{"domains": []string{"rowan.example"}}},
			f.as("sector_admin"))
		if r.status != http.StatusOK {
			t.Fatalf("PATCH /orgs: %d %s", r.status, r.body)
		}
		if res := send("www.rowan.example"); res.Routed != 1 {
			t.Errorf("an event under the added domain: %+v, want routed", res)
		}
		var alerts pageJSON[ewAlertJSON]
		f.do("GET", "/api/v1/alerts?org=VN123", nil, f.as("sector_analyst")).decode(t, &alerts)
		if len(alerts.Items) != 2 {
			t.Errorf("VN123 has %d alerts, want 2", len(alerts.Items))
		}
	})
}

func TestOverlapAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id := f.overlap()
		path := "/api/v1/overlaps/" + strconv.FormatInt(id, 10) + "/accept"
		if r := f.do("POST", path, map[string]string{"note": ""}, f.as("sector_analyst")); r.status != http.StatusUnprocessableEntity {
			t.Errorf("accept without a note = %d, want 422: %s", r.status, r.body)
		}
		r := f.do("POST", path, map[string]string{"note": "The trust hosts the practice's website."}, f.as("sector_analyst"))
		var o struct {
			Status, ReviewedBy, Note string
		}
		r.decode(t, &o)
		if r.status != http.StatusOK || o.Status != "accepted" || o.Note == "" {
			t.Fatalf("accept = %d %s", r.status, r.body)
		}
		var open pageJSON[struct{ ID int64 }]
		f.do("GET", "/api/v1/overlaps?status=open", nil, f.as("sector_admin")).decode(t, &open)
		if slices.ContainsFunc(open.Items, func(o struct{ ID int64 }) bool { return o.ID == id }) {
			t.Error("the accepted overlap is still listed as open")
		}
		if r := f.do("POST", path, map[string]string{"note": "Again."}, f.as("sector_admin")); r.status != http.StatusConflict {
			t.Errorf("accept twice = %d, want 409", r.status)
		}
		if r := f.do("POST", "/api/v1/overlaps/999999/accept", map[string]string{"note": "x"}, f.as("sector_admin")); r.status != http.StatusNotFound {
			t.Errorf("accept a missing overlap = %d, want 404", r.status)
		}
	})
}

// ewAlerts lists the alerts a role sees at path.
func (f *fixture) ewAlerts(t *testing.T, role, path string) []ewAlertJSON {
	t.Helper()
	var p pageJSON[ewAlertJSON]
	r := f.do("GET", path, nil, f.as(role))
	if r.status != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, role, r.status, r.body)
	}
	r.decode(t, &p)
	return p.Items
}

func TestEventsBodyIsDocumented(t *testing.T) {
	f := startServer(t, storetest.Open(t), web.Deps{})
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Required []string `json:"required"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	f.do("GET", "/api/v1/openapi.json", nil, noAuth).decode(t, &doc)
	line := doc.Paths["/events"]["post"].RequestBody.Content["application/x-ndjson"].Schema
	if !slices.Equal(line.Required, []string{"type", "observable", "time", "source", "severity"}) {
		t.Errorf("POST /events documents lines requiring %v, want type, observable, time, source, severity", line.Required)
	}
}
