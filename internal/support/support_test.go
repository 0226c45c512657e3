package support

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var (
	admin    = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
	analyst  = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	manager  = vigil.Principal{Email: "manager@rose.example", Role: vigil.RoleOrgAdmin, Org: "VN001"}
	oak      = vigil.Principal{Email: "manager@oak.example", Role: vigil.RoleOrgAdmin, Org: "VN002"}
	helper   = vigil.Principal{Email: "helper@lso1.example", Role: vigil.RoleOrgMember, Org: "LSO01"}
	stranger = vigil.Principal{Email: "helper@lso2.example", Role: vigil.RoleOrgAdmin, Org: "LSO02"}
	supplier = vigil.Principal{Email: "help@careplan.example", Role: vigil.RoleSupplier, Org: "YSP01"}
)

// setup is Rose (served by LSO01), Oak (served by LSO02), a supplier and the Service.
func setup(t *testing.T, s *store.Store) *Service {
	t.Helper()
	for _, o := range []vigil.Org{
		{ODSCode: "VN001", Name: "Rose Care", Kind: vigil.OrgCareProvider},
		{ODSCode: "VN002", Name: "Oak House", Kind: vigil.OrgCareProvider},
		{ODSCode: "VN003", Name: "Elm Lodge", Kind: vigil.OrgCareProvider},
		{ODSCode: "LSO01", Name: "North Care Digital", Kind: vigil.OrgLSO},
		{ODSCode: "LSO02", Name: "South Care Digital", Kind: vigil.OrgLSO},
		{ODSCode: "YSP01", Name: "CarePlan", Kind: vigil.OrgSupplier},
	} {
		if _, _, err := s.CreateOrg(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	svc := New(Deps{Store: s})
	for _, l := range [][2]string{{"VN001", "LSO01"}, {"VN002", "LSO02"}} {
		if err := svc.LinkLSO(t.Context(), admin, l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

// A provider asks its LSO; the LSO sees only its own providers' requests, replies
// (recording the response time) and closes; nobody else sees it.
func TestSupportJourneyAndVisibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		r, err := svc.Ask(ctx, manager, Ask{Subject: "Backups", Body: "How do we test a restore?", Context: "posture/checklist/backups"})
		if err != nil {
			t.Fatal(err)
		}
		if r.LSO != "LSO01" || !strings.Contains(r.ContextText, "Elevated-threat checklist, item backups") || !strings.Contains(r.ContextText, "Not answered") {
			t.Errorf("request = %+v", r)
		}
		if _, err := svc.Ask(ctx, oak, Ask{Subject: "Other", Body: "Oak's"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who  vigil.Principal
			sees int
			get  string
		}{
			{admin, 2, ""}, {analyst, 2, ""}, {manager, 1, ""}, {helper, 1, ""},
			{oak, 1, vigil.ENOTFOUND}, {stranger, 1, vigil.ENOTFOUND},
		} {
			list, err := svc.List(ctx, tc.who, vigil.SupportFilter{})
			if err != nil || len(list) != tc.sees {
				t.Errorf("%s lists %d, %v; want %d", tc.who.Email, len(list), err, tc.sees)
			}
			if _, err := svc.Get(ctx, tc.who, r.ID); vigil.ErrorCode(err) != tc.get {
				t.Errorf("%s gets Rose's request: %v, want %q", tc.who.Email, err, tc.get)
			}
		}
		if _, err := svc.List(ctx, supplier, vigil.SupportFilter{}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("supplier lists: %v", err)
		}
		if _, err := svc.Reply(ctx, stranger, r.ID, "Not mine"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another LSO replies: %v", err)
		}
		got, err := svc.Reply(ctx, helper, r.ID, "We will call you at 10.")
		if err != nil || got.Status != vigil.SupportAnswered || got.FirstReplyAt.IsZero() || !got.Replies[0].FromLSO {
			t.Fatalf("LSO reply = %+v, %v", got, err)
		}
		if got, err = svc.Close(ctx, manager, r.ID); err != nil || got.Status != vigil.SupportClosed {
			t.Fatalf("close = %+v, %v", got, err)
		}
		if _, err := svc.Close(ctx, helper, r.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		if es := storetest.Audits(t, s, vigil.AuditFilter{Target: target(r.ID)}); len(es) != 3 {
			t.Errorf("audit of the request: %d entries, want ask, reply, close", len(es))
		}
	})
}

// Asking is refused, naming what to fix, without an LSO, with bad fields or context,
// and for another organisation; only the sector links LSOs.
func TestAskRefusals(t *testing.T) {
	s := storetest.Open(t)
	svc := setup(t, s)
	ctx := t.Context()
	elm := vigil.Principal{Email: "m@elm.example", Role: vigil.RoleOrgAdmin, Org: "VN003"}
	for _, tc := range []struct {
		who         vigil.Principal
		in          Ask
		code, field string
	}{
		{elm, Ask{Subject: "S", Body: "B"}, vigil.EINVALID, ""},
		{manager, Ask{Subject: " ", Body: "B"}, vigil.EINVALID, "subject"},
		{manager, Ask{Subject: "S", Body: ""}, vigil.EINVALID, "body"},
		{manager, Ask{Subject: "S", Body: "B", Context: "alert/1"}, vigil.EINVALID, "context"},
		{manager, Ask{Subject: "S", Body: "B", Context: "posture/checklist/nope"}, vigil.EINVALID, "context"},
		{manager, Ask{Org: "VN002", Subject: "S", Body: "B"}, vigil.ENOTFOUND, ""},
		{analyst, Ask{Org: "VN001", Subject: "S", Body: "B"}, vigil.EFORBIDDEN, ""},
	} {
		_, err := svc.Ask(ctx, tc.who, tc.in)
		var fe *vigil.FieldError
		errors.As(err, &fe)
		if vigil.ErrorCode(err) != tc.code || (tc.field != "" && (fe == nil || fe.Field != tc.field)) {
			t.Errorf("%s asks %+v: %v, want %s on %q", tc.who.Email, tc.in, err, tc.code, tc.field)
		}
	}
	if err := svc.LinkLSO(ctx, manager, "VN001", "LSO02"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		t.Errorf("a provider links its own LSO: %v", err)
	}
	if err := svc.LinkLSO(ctx, admin, "VN003", "YSP01"); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("a supplier as LSO: %v", err)
	}
	if ps, err := svc.Providers(ctx, helper, ""); err != nil || len(ps) != 1 || ps[0].ODSCode != "VN001" {
		t.Errorf("LSO01's providers = %v, %v", ps, err)
	}
}

// Response times count the requests asked in the period and those the LSO answered,
// for the sector only.
func TestResponseTimes(t *testing.T) {
	s := storetest.Open(t)
	svc := setup(t, s)
	ctx := t.Context()
	from := time.Now().Add(-time.Hour)
	for i := range 3 {
		r, err := svc.Ask(ctx, manager, Ask{Subject: "S", Body: "B"})
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue
		}
		if _, err := svc.Reply(ctx, helper, r.ID, "On it"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reply(ctx, manager, r.ID, "Thanks"); err != nil { // the provider's reply is no response time
			t.Fatal(err)
		}
	}
	rt, err := svc.ResponseTimes(ctx, analyst, from, time.Now().Add(time.Hour))
	if err != nil || rt.Asked != 3 || rt.Answered != 2 || rt.Median <= 0 || rt.P90 < rt.Median {
		t.Errorf("ResponseTimes = %+v, %v; want 3 asked, 2 answered", rt, err)
	}
	if rt, err := svc.ResponseTimes(ctx, analyst, from.Add(-time.Hour), from); err != nil || rt != (ResponseTimes{}) {
		t.Errorf("an empty period: %+v, %v", rt, err)
	}
	if _, err := svc.ResponseTimes(ctx, manager, from, time.Now()); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		t.Errorf("a provider reads response times: %v", err)
	}
}

func TestPercentile(t *testing.T) {
	h := func(n int) time.Duration { return time.Duration(n) * time.Hour }
	for _, tc := range []struct {
		in   []time.Duration
		q    int
		want time.Duration
	}{
		{[]time.Duration{h(1)}, 50, h(1)},
		{[]time.Duration{h(1), h(2), h(3)}, 50, h(2)},
		{[]time.Duration{h(1), h(2), h(3)}, 90, h(3)},
		{[]time.Duration{h(1), h(2), h(3), h(4)}, 50, h(2)},
		{[]time.Duration{h(1), h(2), h(3), h(4), h(5), h(6), h(7), h(8), h(9), h(10)}, 90, h(9)},
	} {
		if got := percentile(tc.in, tc.q); got != tc.want {
			t.Errorf("percentile(%v, %d) = %v, want %v", tc.in, tc.q, got, tc.want)
		}
	}
}

// Help can be asked about one of the organisation's own alerts or incidents: the LSO is
// told what it is about as far as its TLP marking lets the text leave the organisation,
// and another organisation's alert or incident is refused.
func TestAskAboutAnAlertOrIncident(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		svc := setup(t, s)
		raise := func(org, key string, tlp vigil.TLP) int64 {
			id, _, err := s.RaiseAlert(ctx, vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: vigil.SeverityHigh,
				Title: "A computer at " + org + " contacted c2.example", Body: "Check it.", Observable: "c2.example",
				Indicator: "c2.example", Sources: []string{"partner"}, TLP: tlp, DedupKey: key})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		green, amber, oaks := raise("VN001", "g", vigil.TLPGreen), raise("VN001", "a", vigil.TLPAmber), raise("VN002", "o", vigil.TLPGreen)
		inc, err := s.CreateIncident(ctx, vigil.Incident{Org: "VN001", Summary: "Rota system locked by ransomware",
			WhatHappened: "A ransom note.", NoticedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Systems: []string{"rota"},
			Care: vigil.CareNormal, PersonalData: "no", People: "none", ContactName: "Sam", ContactEmail: "sam@rose.example",
			Status: vigil.IncidentNew, TLP: vigil.TLPGreen, ReportedBy: "sam@rose.example"})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			context, want, wantErr string
		}{
			{fmt.Sprintf("alert/%d", green), "contacted c2.example", ""},
			{fmt.Sprintf("alert/%d", amber), "marked TLP:AMBER: its details are not passed on", ""},
			{fmt.Sprintf("incident/%d", inc.ID), "Rota system locked by ransomware", ""},
			{fmt.Sprintf("alert/%d", oaks), "", "is not one of VN001's alerts"},
			{"alert/x", "", "must be followed by its number"},
		}
		for _, tt := range tests {
			r, err := svc.Ask(ctx, manager, Ask{Subject: "Help", Body: "What do we do?", Context: tt.context})
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(vigil.ErrorMessage(err), tt.wantErr)):
				t.Errorf("%s: %v, want an error saying %q", tt.context, err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || !strings.Contains(r.ContextText, tt.want)):
				t.Errorf("%s: %q, %v; want the context to say %q", tt.context, r.ContextText, err, tt.want)
			case tt.wantErr == "" && strings.Contains(tt.context, fmt.Sprint(amber)) && strings.Contains(r.ContextText, "c2.example"):
				t.Errorf("%s: the AMBER alert's title reached the LSO: %q", tt.context, r.ContextText)
			}
		}
	})
}
