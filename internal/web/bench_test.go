package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// The benchmark's data set: 100,000 alerts over 100 organisations, ten of them served
// by the test supplier.
const (
	benchOrgs      = 100
	benchAlerts    = 100_000
	benchCustomers = 10
)

func seedBench(b *testing.B, s *store.Store) {
	ctx := context.Background()
	for i := range benchOrgs {
		ods := fmt.Sprintf("B%05d", i)
		if _, _, err := s.CreateOrg(ctx, vigil.Org{ODSCode: ods, Name: "Org " + ods, Kind: vigil.OrgCareProvider}); err != nil {
			b.Fatal(err)
		}
		if i < benchCustomers {
			if err := s.LinkSupplier(ctx, supOrg, ods); err != nil {
				b.Fatal(err)
			}
		}
	}
	sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
	const batch = 5000
	for start := 0; start < benchAlerts; start += batch {
		err := s.Tx(ctx, func(tx *store.Store) error {
			for i := start; i < start+batch; i++ {
				_, _, err := tx.RaiseAlert(ctx, vigil.Alert{Org: fmt.Sprintf("B%05d", i%benchOrgs), Kind: vigil.AlertEarlyWarning,
					Severity: sevs[i%4], Title: "Address on a botnet list", Body: "Block it and check the host.",
					Observable: "192.0.2.1", Sources: []string{"feed"}, TLP: vigil.TLPAmber, DedupKey: fmt.Sprint("bench-", i)})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAlertList measures GET /api/v1/alerts end to end over HTTP on 127.0.0.1,
// with an API token, over 100,000 alerts: ns/op, and the 99th percentile as p99-ns.
func BenchmarkAlertList(b *testing.B) {
	var f *fixture
	setup := func(b *testing.B, s *store.Store) {
		f = startServer(b, s, web.Deps{})
		f.seed()
		seedBench(b, s)
	}
	storetest.EachBench(b, setup, func(b *testing.B, _ *store.Store) {
		admin, _ := f.token("sector_analyst")
		supplier, _ := f.token("supplier")
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		for _, bc := range []struct{ name, token, query string }{
			{"sector/first page", admin, "?limit=50"},
			{"sector/one org", admin, "?org=B00042&limit=50"},
			{"sector/open critical", admin, "?status=open&severity=critical&limit=50"},
			{"sector/page of 1000", admin, "?limit=1000"},
			{"supplier/customers", supplier, "?limit=50"},
		} {
			b.Run(bc.name, func(b *testing.B) {
				url := f.url + "/api/v1/alerts" + bc.query
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					req, _ := http.NewRequest("GET", url, nil)
					req.Header.Set("Authorization", "Bearer "+bc.token)
					res, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Fatalf("status %d", res.StatusCode)
					}
					took = append(took, time.Since(start))
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)*99/100]), "p99-ns")
			})
		}
	})
}
