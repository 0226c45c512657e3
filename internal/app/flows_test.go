package app_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// Open wires new indicators to Early Warning: an upload listing an organisation's own
// address warns it. Its services' collectors register together, with no name twice.
func TestOpenWiresTheFlows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		o := vigil.Org{ODSCode: "RXA", Name: "Alder Trust", Kind: vigil.OrgTrust,
			IPRanges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}
		if _, _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		a, err := app.Open(ctx, app.Deps{Store: s, Flows: app.Flows{Secret: secret}})
		if err != nil {
			t.Fatal(err)
		}
		analyst := vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
		if _, err := a.ThreatIntel.Import(ctx, analyst, threatintel.Upload{Source: "partner"}, strings.NewReader("192.0.2.7\n")); err != nil {
			t.Fatal(err)
		}
		as, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Org: "RXA", Limit: vigil.MaxLimit})
		if err != nil || len(as) != 1 || as[0].Kind != vigil.AlertEarlyWarning {
			t.Fatalf("RXA's alerts after the upload: %+v, %v; want one Early Warning", as, err)
		}
		if err := prometheus.NewRegistry().Register(prometheus.Collector(collectors(a.Collectors()))); err != nil {
			t.Errorf("the collectors do not register together: %v", err)
		}
	})
}

// Open refuses a secret too short to key the observable index.
func TestOpenRefusesAShortSecret(t *testing.T) {
	if _, err := app.Open(context.Background(), app.Deps{Store: storetest.Open(t), Flows: app.Flows{Secret: []byte("short")}}); err == nil {
		t.Error("Open with a 5-byte secret succeeded")
	}
}

// Run returns once its context ends.
func TestRunStops(t *testing.T) {
	a, err := app.Open(context.Background(), app.Deps{Store: storetest.Open(t), Flows: app.Flows{Secret: secret}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := a.Run(ctx); err != nil {
		t.Error(err)
	}
}

// collectors registers as one collector, so that a duplicate name is an error.
type collectors []prometheus.Collector

func (cs collectors) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range cs {
		c.Describe(ch)
	}
}

func (cs collectors) Collect(ch chan<- prometheus.Metric) {
	for _, c := range cs {
		c.Collect(ch)
	}
}
