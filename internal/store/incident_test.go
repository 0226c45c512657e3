package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func newIncident(org string, tlp vigil.TLP) vigil.Incident {
	return vigil.Incident{Org: org, Summary: "Phishing", WhatHappened: "An e-mail asked for passwords.",
		NoticedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Systems: []string{"email"}, Care: vigil.CareNormal,
		PersonalData: "no", People: "none", ContactName: "Sam", ContactEmail: "sam@rxa.example", Status: vigil.IncidentNew,
		TLP: tlp, ReportedBy: "sam@rxa.example"}
}

// An incident keeps what was reported and what triage and the breach assessment change,
// and lists keep each audience to what it may see in the query itself.
func TestIncidentRoundTripAndAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "RXA", Name: "Alder", Kind: vigil.OrgTrust})
		mustCreate(t, s, vigil.Org{ODSCode: "RXB", Name: "Birch", Kind: vigil.OrgTrust})
		a, err := s.CreateIncident(ctx, newIncident("RXA", vigil.TLPAmber))
		if err != nil {
			t.Fatal(err)
		}
		red, _ := s.CreateIncident(ctx, newIncident("RXA", vigil.TLPRed))
		b, _ := s.CreateIncident(ctx, newIncident("RXB", vigil.TLPGreen))
		if _, err := s.CreateIncident(ctx, newIncident("RZZ", vigil.TLPGreen)); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an unknown organisation's incident: %v", err)
		}
		a.Status, a.Category, a.Severity, a.Assignee, a.SharedWithSuppliers = vigil.IncidentTriaged, 5, vigil.SeverityHigh, "ana@centre.example", true
		a.Breach = &vigil.BreachAssessment{Likelihood: 3, Severity: 3, Note: "Names seen", By: "ana", At: time.Now()}
		a.ReportDueAt = a.NoticedAt.Add(72 * time.Hour)
		if _, err := s.UpdateIncident(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetIncident(ctx, a.ID)
		if err != nil || got.Category != 5 || got.Breach == nil || got.Breach.Severity != 3 || !got.ReportDueAt.Equal(a.ReportDueAt) ||
			len(got.Systems) != 1 || !got.SharedWithSuppliers {
			t.Errorf("read back %+v, %v", got, err)
		}
		count := func(aud *vigil.Audience) []int64 {
			list, _, err := s.ListIncidents(ctx, vigil.IncidentFilter{Audience: aud, Sort: "oldest"})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, i := range list {
				ids = append(ids, i.ID)
			}
			return ids
		}
		for name, tc := range map[string]struct {
			aud  *vigil.Audience
			want []int64
		}{
			"sector":            {&vigil.Audience{All: true}, []int64{a.ID, red.ID, b.ID}},
			"own admin":         {&vigil.Audience{Own: "RXA"}, []int64{a.ID, red.ID}},
			"own member":        {&vigil.Audience{Own: "RXA", NotNamed: true}, []int64{a.ID}},
			"supplier (shared)": {&vigil.Audience{Own: "YSUP", Customers: []string{"RXA", "RXB"}}, []int64{a.ID}},
			"nobody":            {&vigil.Audience{}, nil},
		} {
			if got := count(tc.aud); len(got) != len(tc.want) || len(got) > 0 && got[0] != tc.want[0] {
				t.Errorf("%s sees %v, want %v", name, got, tc.want)
			}
		}
		// A deadline missed is chased once.
		late := a.ReportDueAt.Add(time.Hour)
		ids, err := s.ReportMissedIncidents(ctx, late, 10)
		if err != nil || len(ids) != 1 || ids[0] != a.ID {
			t.Fatalf("missed %v, %v", ids, err)
		}
		if _, changed, err := s.MarkIncidentChased(ctx, a.ID, late); !changed || err != nil {
			t.Errorf("first chase: %v, %v", changed, err)
		}
		if _, changed, _ := s.MarkIncidentChased(ctx, a.ID, late); changed {
			t.Error("chased twice")
		}
	})
}

func TestIncidentPartsStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, vigil.Org{ODSCode: "RXA", Name: "Alder", Kind: vigil.OrgTrust})
		inc, _ := s.CreateIncident(ctx, newIncident("RXA", vigil.TLPAmber))
		l := vigil.IncidentLink{Incident: inc.ID, Kind: vigil.LinkIndicator, Ref: "domain:evil.example", TLP: vigil.TLPGreen, AddedBy: "ana"}
		if _, err := s.AddIncidentLink(ctx, l); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddIncidentLink(ctx, l); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("linking twice: %v", err)
		}
		content := []byte("%PDF-1.4 a report\x00\xff")
		ev, err := s.AddEvidence(ctx, vigil.Evidence{Incident: inc.ID, EvidenceFile: vigil.EvidenceFile{Name: "r.pdf",
			ContentType: "application/pdf", Size: int64(len(content)), SHA256: "00", UploadedBy: "ana"}}, content)
		if err != nil {
			t.Fatal(err)
		}
		got, body, err := s.GetEvidence(ctx, inc.ID, ev.ID)
		if err != nil || string(body) != string(content) || got.Name != "r.pdf" {
			t.Errorf("evidence %+v %q %v", got, body, err)
		}
		if _, _, err := s.GetEvidence(ctx, inc.ID+1, ev.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another incident's file: %v", err)
		}
		if err := s.AddIncidentEntry(ctx, vigil.IncidentEntry{Incident: inc.ID, Kind: vigil.EntryNote, By: "ana", Note: "Called"}); err != nil {
			t.Fatal(err)
		}
		entries, _ := s.IncidentEntries(ctx, inc.ID)
		links, _ := s.IncidentLinks(ctx, inc.ID)
		files, _ := s.IncidentEvidence(ctx, inc.ID)
		if len(entries) != 1 || len(links) != 1 || len(files) != 1 || entries[0].Note != "Called" {
			t.Errorf("entries %v links %v files %v", entries, links, files)
		}
	})
}
