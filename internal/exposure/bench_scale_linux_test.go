package exposure_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vuln"
)

// BenchmarkRecheckAtScale is issue 11's question at full size: 10,000 organisations
// (-short: 1,000), one in five holding a real CycloneDX SBOM from the shared data (43 to
// 1,115 components, round robin) and a care-plan server running log4j-core, the others
// a care home's short product list, checked against the full shared OSV snapshot and
// CISA's KEV catalogue, on SQLite and PostgreSQL. Its sub-benchmarks are the four ways
// a re-check starts, each reporting organisations checked per second and CPU seconds
// (this process, and the PostgreSQL backends serving it):
//
//   - first: every organisation checked once after the matcher is built (the first
//     check raises every alert);
//   - advisory: a new OSV record about log4j-core pulled; the op ends when the pull
//     returns, that is when the last affected organisation's alert is committed;
//   - inventory: 20 organisations upload a new SBOM, each checked alone;
//   - kev: a KEV catalogue listing one more CVE pulled (every organisation with an open
//     finding is checked again);
//   - all: every organisation checked again (nothing changed: the hourly or startup case).
//
// go test ./internal/exposure -run '^$' -bench RecheckAtScale -benchtime 1x [-short]
func BenchmarkRecheckAtScale(b *testing.B) {
	osvDir := sharedOSV(b)
	n := 10000
	if testing.Short() {
		n = 1000
	}
	sboms := sharedSBOMs(b)
	var w *scaleWorld
	storetest.EachBench(b, func(b *testing.B, s *store.Store) {
		w = seedScale(b, s, osvDir, sboms, n)
	}, func(b *testing.B, s *store.Store) {
		b.Run("first", func(b *testing.B) { w.measure(b, "orgs", w.recheckAll) })
		b.Run("advisory", func(b *testing.B) { w.measure(b, "orgs", w.newAdvisory) })
		b.Run("inventory", func(b *testing.B) { w.measure(b, "orgs", w.newInventories) })
		b.Run("kev", func(b *testing.B) { w.measure(b, "orgs", w.kevChange) })
		b.Run("all", func(b *testing.B) { w.measure(b, "orgs", w.recheckAll) })
	})
}

// scaleWorld is the seeded store and service of BenchmarkRecheckAtScale.
type scaleWorld struct {
	s       *store.Store
	svc     *exposure.Service
	orgs    []string
	sboms   [][]vigil.Component
	dir     string // the advisory directory
	newSrc  int64  // the OSV source the new advisories arrive in
	kevSrc  int64
	round   int // advisory and KEV changes so far, to make each new
	holders int // organisations running log4j-core
	cpu     *cpuMeter
}

// sharedSBOMs are the components of the shared data's real CycloneDX SBOMs.
func sharedSBOMs(tb testing.TB) [][]vigil.Component {
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(sharedOSV(tb))), "sbom", "cyclonedx", "SBOM__*.json"))
	var out [][]vigil.Component
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			tb.Fatal(err)
		}
		inv, err := inventory.Parse(filepath.Base(f), fh)
		fh.Close()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, inv.Components)
	}
	if len(out) == 0 {
		tb.Fatal("no SBOMs in the shared data")
	}
	return out
}

// careHomeCSV is a care home's product list: no package ecosystem, matched by vendor.
const careHomeCSV = "vendor,product,version\nMicrosoft,Windows 11,10.0.22631\nMicrosoft,Microsoft 365 Apps,16.0.17328\n" +
	"Google,Chrome,120.0.6099.130\nMozilla,Firefox,121.0\nAdobe,Acrobat Reader,23.008.20421\nSophos,Intercept X,2023.2\n" +
	"Fortinet,FortiClient VPN,7.2.3\nTeamViewer,TeamViewer,15.49.2\nCareVision,CareVision Desktop,5.4.1\nZoom,Zoom Workplace,5.17.5\n"

func seedScale(b *testing.B, s *store.Store, osvDir string, sboms [][]vigil.Component, n int) *scaleWorld {
	ctx := context.Background()
	w := &scaleWorld{s: s, sboms: sboms, dir: b.TempDir()}
	w.svc = exposure.New(exposure.Deps{Store: s, Alerts: alerts.New(alerts.Deps{Store: s}), Dir: w.dir})
	if out, err := exec.Command("cp", "-r", osvDir, filepath.Join(w.dir, "osv")).CombinedOutput(); err != nil {
		b.Fatalf("copy OSV: %v %s", err, out)
	}
	w.writeNewAdvisory(b, "BENCH-0000", "org.example:nobody-runs-this")
	w.writeKEV(b, 0)
	for _, src := range []vigil.AdvisorySource{
		{Name: "OSV", Kind: vigil.AdvisoryOSV, Path: filepath.Join(w.dir, "osv")},
		{Name: "New OSV records", Kind: vigil.AdvisoryOSV, Path: filepath.Join(w.dir, "new")},
		{Name: "KEV", Kind: vigil.AdvisoryKEV, Path: filepath.Join(w.dir, "kev.json")},
	} {
		// Pulled before any organisation is registered: "first" checks them all.
		a, err := w.svc.CreateSource(ctx, vigil.CommandLine, src)
		if err != nil {
			b.Fatal(err)
		}
		switch src.Kind {
		case vigil.AdvisoryKEV:
			w.kevSrc = a.ID
		case vigil.AdvisoryOSV:
			if strings.HasSuffix(src.Path, "new") {
				w.newSrc = a.ID
			}
		}
		if a, err = w.svc.PullSource(ctx, vigil.CommandLine, a.ID); err != nil || a.Status != vigil.FeedOK {
			b.Fatalf("pull %s: %v %s", src.Name, err, a.LastError)
		}
	}
	care, err := inventory.Parse("office.csv", strings.NewReader(careHomeCSV))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for first := 0; first < n; first += 250 { // 250 organisations a transaction: seeding is not measured
		err := s.Tx(ctx, func(tx *store.Store) error {
			for i := first; i < min(first+250, n); i++ {
				w.seedOrg(b, tx, i, care.Components)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d organisations (%d with an SBOM and log4j-core) in %s", n, w.holders, time.Since(start).Round(time.Second))
	return w
}

// seedOrg registers the i-th organisation with its inventories: a care home's product
// list and, for one in five, an SBOM and a care-plan server running log4j-core.
func (w *scaleWorld) seedOrg(b *testing.B, s *store.Store, i int, care []vigil.Component) {
	org := fmt.Sprintf("S%05d", i)
	kind := vigil.OrgCareProvider
	if i%5 == 0 {
		kind = vigil.OrgTrust
	}
	if _, _, err := s.CreateOrg(context.Background(), vigil.Org{ODSCode: org, Name: "Scale " + org, Kind: kind, Region: "North West"}); err != nil {
		b.Fatal(err)
	}
	w.orgs = append(w.orgs, org)
	putComponents(b, s, org, "office", care)
	if i%5 != 0 {
		return
	}
	putComponents(b, s, org, "sbom", w.sboms[(i/5)%len(w.sboms)])
	log4j := []string{"2.14.1", "2.16.0", "2.17.1"}[(i/5)%3]
	putComponents(b, s, org, "care-plan-server", []vigil.Component{
		{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: log4j, Location: "lib/log4j-core.jar"},
		{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-api", Version: log4j, Location: "lib/log4j-api.jar"}})
	w.holders++
}

func putComponents(b *testing.B, s *store.Store, org, source string, comps []vigil.Component) {
	comps = append([]vigil.Component(nil), comps...)
	keys := make([]string, len(comps))
	for i := range comps {
		comps[i].Source = source
		keys[i] = vuln.ComponentKey(comps[i])
	}
	if err := s.PutInventory(context.Background(), vigil.Inventory{Org: org, Source: source, Format: "CycloneDX"}, comps, keys, false); err != nil {
		b.Fatal(err)
	}
}

// writeNewAdvisory writes the new-records source's one OSV record, critical, about every
// version of pkg before 2.99.0.
func (w *scaleWorld) writeNewAdvisory(b *testing.B, id, pkg string) {
	rec := map[string]any{"schema_version": "1.7.0", "id": id, "modified": time.Now().UTC().Format(time.RFC3339Nano),
		"summary": "Remote code execution in " + pkg, "aliases": []string{"CVE-2099-" + strings.TrimPrefix(id, "BENCH-")},
		"severity": []map[string]string{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}},
		"affected": []map[string]any{{"package": map[string]string{"ecosystem": "Maven", "name": pkg},
			"ranges": []map[string]any{{"type": "ECOSYSTEM", "events": []map[string]string{{"introduced": "0"}, {"fixed": "2.99.0"}}}}}}}
	data, _ := json.Marshal(rec)
	_ = os.MkdirAll(filepath.Join(w.dir, "new"), 0o755)
	if err := os.WriteFile(filepath.Join(w.dir, "new", id+".json"), data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// writeKEV writes the shared KEV catalogue with the first extra of kevExtra listed too.
func (w *scaleWorld) writeKEV(b *testing.B, extra int) {
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(sharedOSV(b))), "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		b.Fatal(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(raw, &cat); err != nil {
		b.Fatal(err)
	}
	list := cat["vulnerabilities"].([]any)
	for _, cve := range kevExtra[:min(extra, len(kevExtra))] {
		list = append(list, map[string]any{"cveID": cve, "vendorProject": "Bench", "product": "Bench",
			"vulnerabilityName": "Bench", "dateAdded": "2026-12-01", "shortDescription": "Bench.", "requiredAction": "Update.",
			"dueDate": "2026-12-22", "knownRansomwareCampaignUse": "Unknown", "notes": ""})
	}
	cat["vulnerabilities"], cat["count"] = list, len(list)
	data, _ := json.Marshal(cat)
	if err := os.WriteFile(filepath.Join(w.dir, "kev.json"), data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// kevExtra are CVEs the SBOMs' findings carry that the catalogue does not list:
// jackson-databind's (keycloak, dropwizard) and the new advisories'.
var kevExtra = []string{"CVE-2020-36518", "CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003", "CVE-2099-0004"}

// measure runs one op per b.N iteration and reports units (organisations) per second
// and the CPU seconds of this process and of its PostgreSQL backends.
func (w *scaleWorld) measure(b *testing.B, unit string, op func(b *testing.B) int) {
	done := 0
	w.cpu = startCPU(b, w.s)
	for b.Loop() {
		done += op(b)
	}
	self, pg := w.cpu.stop(b)
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(done)/float64(b.N), unit+"/op")
	b.ReportMetric(float64(done)/secs, unit+"/s")
	b.ReportMetric(self/float64(b.N), "cpu-s/op")
	b.ReportMetric(pg/float64(b.N), "pg-cpu-s/op")
}

// recheckAll checks every organisation, as a startup or hourly rebuild would.
func (w *scaleWorld) recheckAll(b *testing.B) int {
	if err := exposure.RecheckAll(context.Background(), w.svc, w.orgs); err != nil {
		b.Fatal(err)
	}
	return len(w.orgs)
}

// newAdvisory pulls a new record about log4j-core and checks that every organisation
// running it got its alert.
func (w *scaleWorld) newAdvisory(b *testing.B) int {
	w.round++
	id := fmt.Sprintf("BENCH-%04d", w.round)
	w.writeNewAdvisory(b, id, "org.apache.logging.log4j:log4j-core")
	a, err := w.svc.PullSource(context.Background(), vigil.CommandLine, w.newSrc)
	if err != nil || a.Status != vigil.FeedOK {
		b.Fatalf("pull: %v %s", err, a.LastError)
	}
	w.pause(b)
	got, err := w.s.VulnExposures(context.Background(), id, "")
	if err != nil {
		b.Fatal(err)
	}
	if len(got) != w.holders {
		b.Fatalf("%s found at %d organisations, want %d", id, len(got), w.holders)
	}
	for _, e := range got {
		if e.AlertID == 0 {
			b.Fatalf("%s at %s has no alert", id, e.Org)
		}
	}
	w.resume(b)
	var ch exposure.Change
	_ = json.Unmarshal(a.Counts, &ch)
	return ch.OrgsChecked
}

// pause stops the timer and the CPU meter for work that is not measured.
func (w *scaleWorld) pause(b *testing.B) {
	b.StopTimer()
	w.cpu.pause(b)
}

func (w *scaleWorld) resume(b *testing.B) {
	w.cpu.resume(b)
	b.StartTimer()
}

// newInventories gives 20 SBOM holders the next SBOM of the round robin and checks each.
func (w *scaleWorld) newInventories(b *testing.B) int {
	w.round++
	var orgs []string
	w.pause(b)
	for i := range 20 {
		k := i * 5 * (len(w.orgs) / 100)
		putComponents(b, w.s, w.orgs[k], "sbom", w.sboms[(k/5+w.round)%len(w.sboms)])
		orgs = append(orgs, w.orgs[k])
	}
	w.resume(b)
	for _, org := range orgs {
		w.svc.InventoryChanged(context.Background(), org)
	}
	return len(orgs)
}

// kevChange pulls a KEV catalogue that lists one more CVE.
func (w *scaleWorld) kevChange(b *testing.B) int {
	w.round++
	w.writeKEV(b, w.round)
	a, err := w.svc.PullSource(context.Background(), vigil.CommandLine, w.kevSrc)
	if err != nil || a.Status != vigil.FeedOK {
		b.Fatalf("pull: %v %s", err, a.LastError)
	}
	var ch exposure.Change
	_ = json.Unmarshal(a.Counts, &ch)
	return ch.OrgsChecked
}
