package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/vigil-health/vigil"
)

// exposureMatrix is who may call the vulnerability exposure operations: the sector
// centre curates the advisory sources; the board is for those who work alerts, each
// organisation seeing its own findings only.
var exposureMatrix = []matrixRow{
	{"POST /advisory-sources", "", func(f *fixture, _ string) (string, any) {
		return "/advisory-sources", map[string]any{"name": f.unique("matrix kev "), "kind": "kev", "url": "https://kev.example/kev.json"}
	}, sectorOnly(created)},
	{"GET /advisory-sources", "", at("/advisory-sources"), sectorOnly(ok)},
	{"GET /advisory-sources/{id}", "", onAdvisorySource(""), sectorOnly(ok)},
	{"PATCH /advisory-sources/{id}", "", func(f *fixture, role string) (string, any) {
		path, _ := onAdvisorySource("")(f, role)
		return path, map[string]any{"name": f.unique("renamed kev "), "schedule_seconds": 3600}
	}, sectorOnly(ok)},
	{"POST /advisory-sources/{id}/pull", "", onAdvisorySource("/pull"), sectorOnly(ok)},
	{"DELETE /advisory-sources/{id}", "", onAdvisorySource(""), sectorOnly(noBody)},
	{"GET /vulnerabilities", "", at("/vulnerabilities?sort=orgs"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /vulnerabilities/{id}", "own", onFinding(ownOrg), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /vulnerabilities/{id}", "other", onFinding(otherOrg), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"POST /vulnerabilities/{id}/attestation", "own", attestFinding(ownOrg), statuses{forbid, forbid, forbid, forbid, ok, forbid, unauth}},
	{"POST /vulnerabilities/{id}/attestation", "other", attestFinding(otherOrg), statuses{forbid, forbid, forbid, forbid, notFound, forbid, unauth}},
	{"POST /vulnerabilities/{id}/attestations/{supplier}/apply", "", applyAttestation, sectorOnly(ok)},
	{"GET /vulnerabilities/{id}/attestations", "", func(f *fixture, _ string) (string, any) {
		path, _ := onSuppliedFinding(f, ownOrg)
		return path + "/attestations", nil
	}, sectorOnly(ok)},
	{"GET /supplied-vulnerabilities", "", at("/supplied-vulnerabilities"), statuses{forbid, forbid, forbid, forbid, ok, forbid, unauth}},
}

// attestFinding is the supplier attesting a fix of a vulnerability found at org in a
// component attributed to the supplier (RXA is its customer, RXB is not).
func attestFinding(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, role string) (string, any) {
		path, _ := onSuppliedFinding(f, org)
		return path + "/attestation", map[string]any{"fixed_version": "9.9.9", "note": "patched"}
	}
}

// applyAttestation is a request to apply the supplier's attestation of a fresh finding.
func applyAttestation(f *fixture, _ string) (string, any) {
	path, id := onSuppliedFinding(f, ownOrg)
	err := f.store.PutAttestation(context.Background(), vigil.Attestation{Supplier: supOrg, Vuln: id, FixedVersion: "9.9.9",
		AttestedBy: "staff@supplier.example", AttestedAt: time.Now().UTC()})
	if err != nil {
		f.t.Fatal(err)
	}
	return path + "/attestations/" + supOrg + "/apply", nil
}

// onSuppliedFinding stores a vulnerability found at org in a component of the supplier's.
func onSuppliedFinding(f *fixture, org string) (string, string) {
	id := f.unique("CVE-2098-")
	now := time.Now().UTC()
	err := f.store.PutExposure(context.Background(), vigil.Exposure{Org: org, Vuln: id, Severity: vigil.SeverityHigh, EPSS: -1,
		Components: []vigil.AffectedComponent{{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0", Source: "app", Supplier: supOrg}},
		FirstFound: now, CheckedAt: now})
	if err != nil {
		f.t.Fatal(err)
	}
	return "/vulnerabilities/" + id, id
}

// onAdvisorySource is a request about a fresh KEV source served by a local server.
func onAdvisorySource(verb string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"vulnerabilities": [{"cveID": "CVE-2021-44228", "dueDate": "2021-12-24"}]}`))
		}))
		f.t.Cleanup(srv.Close)
		src, err := f.store.CreateAdvisorySource(context.Background(), vigil.AdvisorySource{Name: f.unique("kev "),
			Kind: vigil.AdvisoryKEV, URL: srv.URL + "/kev.json", Enabled: true})
		if err != nil {
			f.t.Fatal(err)
		}
		return fmt.Sprintf("/advisory-sources/%d%s", src.ID, verb), nil
	}
}

// onFinding is a request about a vulnerability found at org alone.
func onFinding(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		id := f.unique("CVE-2099-")
		now := time.Now().UTC()
		err := f.store.PutExposure(context.Background(), vigil.Exposure{Org: org, Vuln: id, Severity: vigil.SeverityHigh,
			EPSS: -1, Components: []vigil.AffectedComponent{{Ecosystem: "npm", Name: "left-pad", Version: "1.0.0", Source: "app"}},
			FirstFound: now, CheckedAt: now})
		if err != nil {
			f.t.Fatal(err)
		}
		return "/vulnerabilities/" + id, nil
	}
}
