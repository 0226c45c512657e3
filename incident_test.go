package vigil_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

func TestIncidentCheckMove(t *testing.T) {
	inc := func(s vigil.IncidentStatus, cat vigil.NCSCCategory) vigil.Incident {
		return vigil.Incident{ID: 7, Status: s, Category: cat}
	}
	cases := []struct {
		name string
		from vigil.Incident
		to   vigil.IncidentStatus
		note string
		code string // "" when the move is allowed
	}{
		{"new to triaged with a category", inc(vigil.IncidentNew, 6), vigil.IncidentTriaged, "", ""},
		{"new to triaged needs a category", inc(vigil.IncidentNew, 0), vigil.IncidentTriaged, "", vigil.EINVALID},
		{"triaged to contained", inc(vigil.IncidentTriaged, 5), vigil.IncidentContained, "", ""},
		{"contained to recovered", inc(vigil.IncidentContained, 5), vigil.IncidentRecovered, "", ""},
		{"recovered to closed needs no note", inc(vigil.IncidentRecovered, 5), vigil.IncidentClosed, "", ""},
		{"false alarm closed with a note", inc(vigil.IncidentNew, 0), vigil.IncidentClosed, "Duplicate of 6", ""},
		{"closing early needs a note", inc(vigil.IncidentTriaged, 5), vigil.IncidentClosed, " ", vigil.EINVALID},
		{"reopen with a note", inc(vigil.IncidentClosed, 5), vigil.IncidentTriaged, "It came back", ""},
		{"reopen needs a note", inc(vigil.IncidentClosed, 5), vigil.IncidentTriaged, "", vigil.EINVALID},
		{"no skipping containment", inc(vigil.IncidentTriaged, 5), vigil.IncidentRecovered, "", vigil.ECONFLICT},
		{"no going back", inc(vigil.IncidentContained, 5), vigil.IncidentTriaged, "x", vigil.ECONFLICT},
		{"not to the same status", inc(vigil.IncidentNew, 5), vigil.IncidentNew, "", vigil.ECONFLICT},
		{"unknown status", inc(vigil.IncidentNew, 5), "fixed", "", vigil.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.from.CheckMove(tc.to, tc.note)
			if got := vigil.ErrorCode(err); got != tc.code {
				t.Errorf("CheckMove(%s → %s) = %v, want code %q", tc.from.Status, tc.to, err, tc.code)
			}
		})
	}
}

func TestSuggestCategory(t *testing.T) {
	cases := []struct {
		name string
		kind vigil.OrgKind
		inc  vigil.Incident
		want vigil.NCSCCategory
	}{
		{"a care home's phishing is localised", vigil.OrgCareProvider, vigil.Incident{Care: vigil.CareNormal}, 6},
		{"a GP's is moderate", vigil.OrgGP, vigil.Incident{Care: vigil.CareNormal}, 5},
		{"a trust's is substantial", vigil.OrgTrust, vigil.Incident{Care: vigil.CareDisrupted}, 4},
		{"care stopped is one step worse", vigil.OrgCareProvider, vigil.Incident{Care: vigil.CareStopped}, 5},
		{"ransom and care stopped", vigil.OrgCareProvider, vigil.Incident{Care: vigil.CareStopped, Ransom: true}, 4},
		{"everything at a trust stops at 3", vigil.OrgTrust, vigil.Incident{Care: vigil.CareStopped, Ransom: true, People: "over-1000"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := vigil.SuggestCategory(tc.kind, tc.inc); got != tc.want {
				t.Errorf("SuggestCategory = %d (%s), want %d (%s)", got, got.Name(), tc.want, tc.want.Name())
			}
		})
	}
	if vigil.NCSCCategory(1).Name() != "National cyber emergency" || vigil.NCSCCategory(6).Name() != "Localised incident" {
		t.Error("category names are not the NCSC's")
	}
}

// The DSPT grid: reportable from "likely" and "minor" up; the deadline is 72 hours
// after the organisation noticed; reporting meets it.
func TestBreachGrid(t *testing.T) {
	noticed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for l := 1; l <= 5; l++ {
		for s := 1; s <= 5; s++ {
			b := vigil.BreachAssessment{Likelihood: l, Severity: s}
			want := l >= 3 && s >= 2
			if b.Reportable() != want {
				t.Errorf("likelihood %d severity %d: reportable %v, want %v", l, s, b.Reportable(), want)
			}
			due := b.ReportDue(noticed)
			if want != !due.IsZero() || want && !due.Equal(noticed.Add(72*time.Hour)) {
				t.Errorf("likelihood %d severity %d: due %v", l, s, due)
			}
			if b.NotifyDHSC() != (want && s >= 4) {
				t.Errorf("likelihood %d severity %d: DHSC %v", l, s, b.NotifyDHSC())
			}
		}
	}
	for _, bad := range []vigil.BreachAssessment{{Likelihood: 0, Severity: 3}, {Likelihood: 3, Severity: 6}} {
		if vigil.ErrorCode(bad.CheckGrid()) != vigil.EINVALID {
			t.Errorf("%+v passed the grid check", bad)
		}
	}
	inc := vigil.Incident{ReportDueAt: noticed.Add(72 * time.Hour), Breach: &vigil.BreachAssessment{Likelihood: 5, Severity: 3}}
	if inc.ReportOverdue(noticed.Add(71*time.Hour)) || !inc.ReportOverdue(noticed.Add(73*time.Hour)) {
		t.Error("overdue before or not after the deadline")
	}
	inc.Breach.ReportedAt = noticed.Add(80 * time.Hour)
	if inc.ReportOverdue(noticed.Add(90 * time.Hour)) {
		t.Error("a reported breach is still overdue")
	}
}

func goodReport() vigil.IncidentReport {
	return vigil.IncidentReport{Summary: "Rota laptop shows a ransom note", WhatHappened: "The office laptop shows a red screen.",
		NoticedAt: "2026-03-02T08:30", Systems: []string{"rota", "care_records"}, Care: "reduced", PersonalData: "yes",
		People: "11-100", Ransom: true, Told: []string{"police"}, ContactName: "Sam Patel", ContactPhone: "0161 496 0000"}
}

func TestIncidentReportCheck(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		edit   func(*vigil.IncidentReport)
		fields []string // the fields refused, in order; none when accepted
	}{
		{"good", func(*vigil.IncidentReport) {}, nil},
		{"nothing given", func(r *vigil.IncidentReport) { *r = vigil.IncidentReport{} },
			[]string{"summary", "what_happened", "noticed_at", "care", "personal_data", "contact_name", "contact_phone"}},
		{"future", func(r *vigil.IncidentReport) { r.NoticedAt = "2026-03-03T08:30" }, []string{"noticed_at"}},
		{"not a time", func(r *vigil.IncidentReport) { r.NoticedAt = "last tuesday" }, []string{"noticed_at"}},
		{"unknown system", func(r *vigil.IncidentReport) { r.Systems = []string{"rota", "<script>"} }, []string{"systems"}},
		{"people needed", func(r *vigil.IncidentReport) { r.People = "none" }, []string{"people"}},
		{"bad phone and email", func(r *vigil.IncidentReport) { r.ContactPhone, r.ContactEmail = "call me", "sam@" },
			[]string{"contact_phone", "contact_email"}},
		{"control character", func(r *vigil.IncidentReport) { r.Summary = "a\x00b" }, []string{"summary"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := goodReport()
			tc.edit(&r)
			inc, err := r.Check(now)
			var bad *vigil.InvalidFields
			if !errors.As(err, &bad) {
				if tc.fields != nil || err != nil {
					t.Fatalf("Check = %v, want problems with %v", err, tc.fields)
				}
				if inc.Status != vigil.IncidentNew || inc.TLP != vigil.TLPAmber || !inc.NoticedAt.Equal(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)) {
					t.Errorf("accepted as %+v", inc)
				}
				return
			}
			var got []string
			for _, p := range bad.Problems {
				got = append(got, p.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("problems with %v (%v), want %v", got, err, tc.fields)
			}
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code %q", vigil.ErrorCode(err))
			}
		})
	}
}

// A summer time typed on a phone is UK time: 09:30 in June is 08:30 UTC.
func TestParseWhenUKTime(t *testing.T) {
	got, ok := vigil.ParseWhen("2026-06-01T09:30")
	if !ok || !got.Equal(time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("ParseWhen = %v, %v", got, ok)
	}
}

func TestDecodeIncidentReport(t *testing.T) {
	cases := []struct {
		name, in, msg string
	}{
		{"good", `{"summary": "x", "care": "normal", "systems": ["rota"]}`, ""},
		{"unknown field", "{\n  \"summary\": \"x\",\n  \"colour\": \"red\"\n}", `line 3, column 3: "colour" is not a field`},
		{"syntax", "{\n  \"summary\": \"x\",,\n}", "line 2, column 18"},
		{"wrong type", `{"ransom": "yes"}`, "ransom must be bool"},
		{"two reports", `{"summary": "a"} {"summary": "b"}`, "one report per file"},
		{"empty", ``, "the file is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vigil.DecodeIncidentReport(strings.NewReader(tc.in), "r.json")
			if tc.msg == "" && err != nil || tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "r.json")) {
				t.Errorf("DecodeIncidentReport = %v, want %q", err, tc.msg)
			}
		})
	}
}

// Whatever a report file or body holds, decoding and checking it never panics, and a
// report Check accepts has only the choices it offers.
func FuzzIncidentReport(f *testing.F) {
	f.Add([]byte(`{"summary":"Ransom note","what_happened":"red screen","noticed_at":"2026-03-02T08:30","care":"stopped","personal_data":"yes","people":"11-100","systems":["rota"],"told":["police"],"contact_name":"Sam","contact_phone":"0161 496 0000"}`))
	f.Add([]byte(`{"noticed_at":"2026-03-02T08:30:00+01:00","contact_email":"a@b.example","personal_data":"no"}`))
	f.Add([]byte("{\"summary\":\"\\u0000\",\"systems\":[\"\"]}"))
	f.Add([]byte(`[1,2`))
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := vigil.DecodeIncidentReport(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("error code %q: %v", vigil.ErrorCode(err), err)
			}
			return
		}
		inc, err := r.Check(now)
		if err != nil {
			var bad *vigil.InvalidFields
			if !errors.As(err, &bad) || len(bad.Problems) == 0 {
				t.Fatalf("Check = %v", err)
			}
			return
		}
		for _, s := range inc.Systems {
			if !slices.Contains(vigil.IncidentSystems, s) {
				t.Fatalf("accepted system %q", s)
			}
		}
		if !inc.Care.Valid() || inc.NoticedAt.After(now.Add(5*time.Minute)) || inc.ContactName == "" {
			t.Fatalf("accepted %+v", inc)
		}
	})
}
