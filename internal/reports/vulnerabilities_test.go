package reports_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The vulnerabilities section counts the vulnerability alerts of the period by severity,
// the distinct vulnerabilities, and the organisations reached; other alerts do not count.
func TestVulnerabilitiesShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clock := func() time.Time { return now.Add(-time.Hour) }
		al := alerts.New(alerts.Deps{Store: s, Now: clock})
		var orgs []string
		for i := range 10 {
			ods := fmt.Sprintf("RV%03d", i)
			orgs = append(orgs, ods)
			if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: ods, Name: "Trust " + ods, Kind: vigil.OrgTrust, Region: "North West"}); err != nil {
				t.Fatal(err)
			}
		}
		raise := func(org, vuln string, kind vigil.AlertKind, sev vigil.Severity) {
			a := vigil.Alert{Org: org, Kind: kind, Severity: sev, Title: vuln + " at " + org, Indicator: vuln, Observable: "x",
				TLP: vigil.TLPClear, DedupKey: string(kind) + "|" + vuln}
			err := s.Tx(ctx, func(tx *store.Store) error { _, _, err := al.Raise(ctx, tx, alerts.Raising{Alert: a}); return err })
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, org := range orgs { // ten organisations, two vulnerabilities each
			raise(org, "CVE-2021-44228", vigil.AlertVulnerability, vigil.SeverityCritical)
			raise(org, "SECTOR-2026-0001", vigil.AlertVulnerability, vigil.SeverityHigh)
		}
		raise(orgs[0], "203.0.113.9", vigil.AlertSighting, vigil.SeverityHigh)
		svc := reports.New(reports.Deps{Store: s, Now: time.Now}) // the store stamps alerts with the real time
		r, err := svc.Sector(ctx, vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAdmin}, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range r.Sections {
			if sec.ID != "vulnerabilities" {
				continue
			}
			want := map[string]int{"Vulnerability alerts raised": 20, "Distinct vulnerabilities (and products of concern) alerted": 2,
				"Organisations sent at least one vulnerability alert": 10, "Raised as critical": 10, "Raised as high": 10}
			for _, f := range sec.Figures {
				if w, ok := want[f.Label]; ok && f.Value.Value != w {
					t.Errorf("%s = %+v, want %d", f.Label, f.Value, w)
				}
				delete(want, f.Label)
			}
			if len(want) > 0 {
				t.Errorf("figures missing: %v", want)
			}
			return
		}
		t.Fatal("no vulnerabilities section")
	})
}
