package web_test

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/vigil-health/vigil/internal/store"
)

// sectorMatrix is who may call the sector advisory and VEX operations: the analysts
// write sector advisories, everyone reads those that concern them; an organisation's
// people (or the analysts) upload and export its VEX statements, a supplier its own.
var sectorMatrix = []matrixRow{
	{"POST /sector-advisories", "", func(f *fixture, _ string) (string, any) {
		return "/sector-advisories", sectorAdvisoryBody(f.unique("SECTOR-M-"))
	}, sectorOnly(created)},
	{"GET /sector-advisories", "", at("/sector-advisories"), statuses{ok, ok, ok, ok, ok, forbid, unauth}},
	{"GET /sector-advisories/{id}", "", onSectorAdvisory(""), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"PUT /sector-advisories/{id}", "", func(f *fixture, role string) (string, any) {
		path, _ := onSectorAdvisory("")(f, role)
		return path, sectorAdvisoryBody(strings.TrimPrefix(path, "/sector-advisories/"))
	}, sectorOnly(ok)},
	{"DELETE /sector-advisories/{id}", "", onSectorAdvisory(""), sectorOnly(noBody)},
	{"POST /orgs/{ods}/vex", "own", vexUpload(ownOrg), statuses{ok, ok, ok, ok, notFound, forbid, unauth}},
	{"POST /orgs/{ods}/vex", "other", vexUpload(otherOrg), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"POST /orgs/{ods}/vex", "supplier", vexUpload(supOrg), statuses{ok, ok, notFound, notFound, ok, forbid, unauth}},
	{"GET /orgs/{ods}/vex", "own", at("/orgs/" + ownOrg + "/vex?format=cyclonedx"), statuses{ok, ok, ok, ok, notFound, forbid, unauth}},
	{"GET /orgs/{ods}/vex", "other", at("/orgs/" + otherOrg + "/vex"), statuses{ok, ok, notFound, notFound, notFound, forbid, unauth}},
	{"GET /orgs/{ods}/vex/suppressed", "own", at("/orgs/" + ownOrg + "/vex/suppressed"), statuses{ok, ok, ok, ok, notFound, forbid, unauth}},
}

func sectorAdvisoryBody(id string) map[string]any {
	b := map[string]any{"vendor": "Acme", "product": "CarePlan", "product_match": "exact",
		"versions": []map[string]string{{"fixed": "4.2"}}, "severity": "high", "summary": "CarePlan shows records to anyone."}
	if id != "" {
		b["id"] = id
	}
	return b
}

// onSectorAdvisory is a request about a fresh sector advisory.
func onSectorAdvisory(verb string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		id := f.unique("SECTOR-M-")
		rec, _ := json.Marshal(sectorAdvisoryBody(id))
		if _, _, err := f.store.PutSectorAdvisory(context.Background(), store.SectorAdvisoryRow{ID: id, Record: rec, CreatedBy: "matrix"}); err != nil {
			f.t.Fatal(err)
		}
		return "/sector-advisories/" + id + verb, nil
	}
}

// vexUpload is an upload of a one-statement OpenVEX document to org.
func vexUpload(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		doc, _ := json.Marshal(map[string]any{
			"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://matrix.example/vex", "author": "matrix",
			"timestamp": "2026-12-01T00:00:00Z", "version": 1,
			"statements": []map[string]any{{"vulnerability": map[string]string{"name": "CVE-2021-44228"},
				"products": []map[string]string{{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
				"status":   "not_affected", "justification": "vulnerable_code_not_present"}}})
		return "/orgs/" + org + "/vex?name=matrix.json", string(doc)
	}
}
