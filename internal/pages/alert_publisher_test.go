package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestAlertNamesPublisherBesideFeed follows a STIX bundle whose indicator names its
// creator (created_by_ref) from upload to the care home's alert: the sensor's telemetry
// matches it, and the alert page and the API name the feed it came through and, apart,
// who published it. An alert whose source is its own publisher shows no such row.
func TestAlertNamesPublisherBesideFeed(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	admin := vigil.Principal{Email: sectorAdmin, Role: vigil.RoleSectorAdmin}
	up := threatintel.Upload{Source: "partner-stix", TLP: vigil.TLPGreen, Name: "partner.stix.json"}
	if _, err := s.app.ThreatIntel.Import(ctx, admin, up, strings.NewReader(publishedBundle("publisher-check.example"))); err != nil {
		t.Fatalf("upload the partner's bundle: %v", err)
	}
	sensor := vigil.Principal{Email: "sensor", Role: vigil.RoleSensor, Org: demo.CareHomeODS}
	line := fmt.Sprintf(`{"_path":"dns","ts":"%s","query":"www.publisher-check.example"}`, time.Now().UTC().Format(time.RFC3339))
	res, err := s.app.Sightings.IngestTelemetry(ctx, sensor, strings.NewReader(line+"\n"))
	if err != nil || res.Alerts != 1 {
		t.Fatalf("telemetry naming the indicator: %+v, %v; want one alert", res, err)
	}
	b := s.signIn(careManager)
	id := regexpFind(t, b.get("/alerts"), `href="/alerts/(\d+)"[^>]*>[^<]*www\.publisher-check\.example`)
	p := b.get("/alerts/" + id)
	reported := regexp.MustCompile(`Reported by</dt><dd class="nhsuk-summary-list__value">partner-stix</dd>`)
	published := regexp.MustCompile(`Published by</dt><dd class="nhsuk-summary-list__value">Health Sector Partner CERT <`)
	if p.status != http.StatusOK || !reported.MatchString(p.body) || !published.MatchString(p.body) {
		t.Errorf("alert page: want the feed as reporter and the identity as publisher, apart\n%s", p.body)
	}
	if !p.has("listed by partner-stix (published by Health Sector Partner CERT)") {
		t.Errorf("alert body does not name both\n%s", p.body)
	}

	token := regexpFind(t, b.post("/account/tokens", url.Values{"token-name": {"check"}, "token-expires": {"90"}}),
		`value="(vgl_[A-Za-z0-9_-]+)"`)
	r := s.api("GET", "/api/v1/alerts/"+id, token)
	var got struct {
		Sources    []string `json:"sources"`
		Publishers []string `json:"publishers"`
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != http.StatusOK ||
		!slices.Equal(got.Sources, []string{"partner-stix"}) || !slices.Equal(got.Publishers, []string{"Health Sector Partner CERT"}) {
		t.Errorf("API alert = %d %s: want sources [partner-stix], publishers [Health Sector Partner CERT]", r.status, r.body)
	}

	// The sighting behind it names both too: on the sector's sightings page, in its CSV and
	// in the API.
	sector := s.signIn(analyst)
	if p := sector.get("/sightings"); !p.has("partner-stix (published by Health Sector Partner CERT)") {
		t.Errorf("sightings page does not name the publisher beside the feed\n%s", p.body)
	}
	header, rows := csvRows(t, sector.get("/sightings?format=csv"))
	if got := column(t, header, rows, "publishers"); !slices.Contains(got, "Health Sector Partner CERT") {
		t.Errorf("sightings CSV publishers %q, want Health Sector Partner CERT among them", got)
	}
	r = s.api("GET", "/api/v1/sightings?indicator=publisher-check.example", token)
	var sightings struct {
		Items []struct {
			Sources    []string `json:"sources"`
			Publishers []string `json:"publishers"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &sightings); err != nil || r.status != http.StatusOK || len(sightings.Items) != 1 ||
		!slices.Equal(sightings.Items[0].Sources, []string{"partner-stix"}) ||
		!slices.Equal(sightings.Items[0].Publishers, []string{"Health Sector Partner CERT"}) {
		t.Errorf("API sightings = %d %s: want one, sources [partner-stix], publishers [Health Sector Partner CERT]", r.status, r.body)
	}

	// The demo's own alerts come from sources that published their intel themselves.
	other := regexpFind(t, b.get("/alerts"), `href="/alerts/(\d+)"[^>]*>[^<]*on the Demo Health ISAC list`)
	if p := b.get("/alerts/" + other); p.status != http.StatusOK || p.has("Published by") || !p.has("Reported by") {
		t.Errorf("a demo alert: want no Published by row\n%s", p.body)
	}
	if r := s.api("GET", "/api/v1/alerts/"+other, token); r.status != http.StatusOK || !r.has(`"publishers":[]`) {
		t.Errorf("API alert without a publisher = %d %s: want \"publishers\":[]", r.status, r.body)
	}
}

// publishedBundle is a STIX 2.1 bundle of one domain indicator created by a partner CERT.
func publishedBundle(domain string) string {
	creator := map[string]any{"type": "identity", "spec_version": "2.1", "id": "identity--3f1c6a0e-2b7d-4c55-9e21-6d0a7b8c9e01",
		"name": "Health Sector Partner CERT", "identity_class": "organization"}
	ind := map[string]any{"type": "indicator", "spec_version": "2.1", "id": "indicator--6b2d4e1a-0c3f-4a8b-9d7e-5f1a2b3c4d01",
		"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z", "valid_from": "2026-01-01T00:00:00Z",
		"created_by_ref": creator["id"], "name": "Credential phishing", "labels": []string{"phishing"},
		"pattern_type": "stix", "pattern": "[domain-name:value = '" + domain + "']"}
	b, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f01",
		"objects": []any{creator, ind}})
	return string(b)
}
