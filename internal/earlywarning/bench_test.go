package earlywarning

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkIngestEvents measures events/s through IngestEvents into a real store: half
// the events route to an organisation (a new alert each), half are unrouted.
func BenchmarkIngestEvents(b *testing.B) {
	const perUpload = 5000
	var body strings.Builder
	seen := warnNow.Add(-time.Hour)
	for i := range perUpload {
		obs := fmt.Sprintf("https://www.rxa.example/f/%d", i)
		if i%2 == 1 {
			obs = fmt.Sprintf("https://unknown.example/f/%d", i)
		}
		body.WriteString(event("malware", obs, seen, vigil.SeverityLow) + "\n")
	}
	storetest.EachBench(b, func(b *testing.B, s *store.Store) { warnSector(b, s) }, func(b *testing.B, s *store.Store) {
		clk := &fakeNow{warnNow}
		svc := newWarnService(b, s, clk)
		b.SetBytes(int64(body.Len()))
		b.ResetTimer()
		for b.Loop() {
			clk.advance(24 * time.Hour) // a new day: new alerts rather than repeats
			if _, err := svc.IngestEvents(b.Context(), analyst("bench@centre.example"), strings.NewReader(strings.ReplaceAll(body.String(),
				seen.Format(time.RFC3339), clk.now().Add(-time.Hour).Format(time.RFC3339)))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(perUpload*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkIngestEventsSector measures events/s through IngestEvents the way
// bench/nodes.sh sends them: a sector of organisations, each with a /28 and a domain,
// and events of four types from six sources naming a random organisation's address or
// host name (nine in ten) or an address nobody registered (one in ten, so mostly
// repeats), all on one day, so most routed events raise a new alert and some repeat
// one. Profile it with -cpuprofile on PostgreSQL:
//
//	go test ./internal/earlywarning -run '^$' -bench 'IngestEventsSector/postgres' -cpuprofile /tmp/ev.prof
func BenchmarkIngestEventsSector(b *testing.B) {
	const orgs, perUpload = 2000, 10_000
	var sector []vigil.Org
	for i := range orgs {
		sector = append(sector, vigil.Org{ODSCode: fmt.Sprintf("B%05d", i), Name: fmt.Sprintf("Bench Practice %d", i),
			Kind: vigil.OrgGP, IPRanges: []netip.Prefix{netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64 + byte(i>>12), byte(i >> 4), byte(i << 4)}), 28)},
			Domains: []string{fmt.Sprintf("b%05d.nhs.example", i)}})
	}
	types := []string{"compromise", "open_port", "vulnerable_service", "abuse"}
	sources := []string{"Spamhaus DROP", "abuse.ch Feodo Tracker", "abuse.ch URLhaus", "partner MISP", "Shadowserver", "NCSC CiSP"}
	sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
	rng := rand.New(rand.NewPCG(1, 2))
	upload := func(at time.Time) string {
		var body strings.Builder
		for range perUpload {
			o := sector[rng.IntN(orgs)]
			obs := fmt.Sprintf("203.0.113.%d", rng.IntN(256))
			switch r := rng.IntN(10); {
			case r >= 6:
				obs = []string{"mail.", "vpn.", "www.", "remote."}[rng.IntN(4)] + o.Domains[0]
			case r >= 1:
				a := o.IPRanges[0].Addr().As4()
				a[3] += byte(rng.IntN(16))
				obs = netip.AddrFrom4(a).String()
			}
			line := event(types[rng.IntN(len(types))], obs, at, sevs[rng.IntN(len(sevs))], "source", sources[rng.IntN(len(sources))])
			body.WriteString(line + "\n")
		}
		return body.String()
	}
	storetest.EachBench(b, func(b *testing.B, s *store.Store) {
		created, err := s.CreateOrgs(b.Context(), sector, store.Claimant{By: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range created {
			if c.Err != nil {
				b.Fatal(c.Err)
			}
		}
	}, func(b *testing.B, s *store.Store) {
		clk := &fakeNow{warnNow}
		svc := newWarnService(b, s, clk)
		for b.Loop() {
			b.StopTimer()
			body := upload(clk.now().Add(-time.Hour))
			b.StartTimer()
			if _, err := svc.IngestEvents(b.Context(), analyst("bench@centre.example"), strings.NewReader(body)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(perUpload*b.N)/b.Elapsed().Seconds(), "events/s")
	})
}
