package app_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

var (
	analyst = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
	admin   = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
)

// node is one server of a test: its own store (its own pool) on the shared database.
type node struct {
	store *store.Store
	app   *app.App
}

// startNode opens a server on dsn and runs its background work until the test ends.
func startNode(t *testing.T, dsn string, n app.Node) *node {
	t.Helper()
	s, err := store.Open(t.Context(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a, err := app.Open(t.Context(), app.Deps{Store: s, Flows: app.Flows{Secret: secret, Node: n}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = a.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return &node{store: s, app: a}
}

// within polls ok every 10 ms until it holds or d has passed.
func within(d time.Duration, ok func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}

// A change at one server reaches the other within a second: an organisation created at
// A routes B's events, intel uploaded at A matches B's telemetry, and B's /readyz says
// ready only once it holds both.
func TestNodesCatchUpWithinASecond(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a := startNode(t, dsn, app.Node{ID: "a"})
	b := startNode(t, dsn, app.Node{ID: "b"})
	ctx := t.Context()
	org := vigil.Org{ODSCode: "RXA", Name: "Alder Trust", Kind: vigil.OrgTrust,
		IPRanges: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}
	if _, err := a.app.Orgs.Create(ctx, admin, org); err != nil {
		t.Fatal(err)
	}
	routed := func() bool { return len(b.app.EarlyWarning.Router().Route(vigil.TypeIPv4, "192.0.2.9", nil)) > 0 }
	if !within(time.Second, routed) {
		t.Error("B's router does not route the organisation A created a second ago")
	}
	if _, err := a.app.ThreatIntel.Import(ctx, analyst, threatintel.Upload{Source: "partner"}, strings.NewReader("bad.example\n")); err != nil {
		t.Fatal(err)
	}
	matched := func() bool {
		return len(b.app.ThreatIntel.Matcher().Lookup(vigil.Observable{Type: vigil.TypeDomain, Value: "bad.example"}, nil)) > 0
	}
	if !within(time.Second, matched) {
		t.Error("B's matcher does not hold the intel uploaded at A a second ago")
	}
	if err := b.app.Ready(ctx); err != nil {
		t.Errorf("B caught up but is not ready: %v", err)
	}
}

// No detection is lost between an intel change's commit and another server's swap. The
// race is made wide on purpose: B holds back its rebuild until told, and telemetry
// holding the new domain reaches B in between, matched with B's old matcher. A's
// retro-hunt waits for B, so the organisation is alerted exactly once; a retro-hunt that
// does not wait (the "race shown" case) misses it, which shows the test can fail.
func TestNoDetectionLostWhileANodeIsBehind(t *testing.T) {
	tests := []struct {
		name   string
		await  time.Duration
		alerts int
	}{
		{"retro-hunt waits for every server", 0, 1},
		{"race shown: retro-hunt does not wait", time.Nanosecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn := storetest.PostgresDSN(t)
			release, held := make(chan struct{}), make(chan struct{})
			var holding sync.Once
			a := startNode(t, dsn, app.Node{ID: "a", AwaitIntel: tt.await})
			b := startNode(t, dsn, app.Node{ID: "b", BeforeRebuild: func(ctx context.Context, scope string) {
				if scope == store.ScopeIntel {
					holding.Do(func() { close(held) })
					select {
					case <-release:
					case <-ctx.Done():
					}
				}
			}})
			ctx := t.Context()
			org := vigil.Org{ODSCode: "RXB", Name: "Birch Trust", Kind: vigil.OrgTrust}
			if _, err := a.app.Orgs.Create(ctx, admin, org); err != nil {
				t.Fatal(err)
			}
			before, err := a.store.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			uploaded := make(chan error, 1)
			go func() {
				_, err := a.app.ThreatIntel.Import(ctx, analyst, threatintel.Upload{Source: "partner"}, strings.NewReader("late.example\n"))
				uploaded <- err
			}()
			committed := within(5*time.Second, func() bool { v, _ := a.store.Versions(ctx); return v.Intel > before.Intel })
			if !committed {
				t.Fatal("the upload did not commit")
			}
			if tt.await != 0 {
				if err := <-uploaded; err != nil { // its retro-hunt ran before the telemetry
					t.Fatal(err)
				}
			}
			sensor := vigil.Principal{Email: "sensor", Role: vigil.RoleSensor, Org: "RXB"}
			line := fmt.Sprintf(`{"_path":"dns","ts":"%s","query":"www.late.example"}`, time.Now().UTC().Format(time.RFC3339))
			res, err := b.app.Sightings.IngestTelemetry(ctx, sensor, strings.NewReader(line+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Sightings != 0 {
				t.Fatalf("B matched with the new intel before its rebuild (%+v): the race was not made", res)
			}
			// Ready catches up itself when no rebuild is under way, and would wait on the
			// held one: ask only once B's own rebuild is held (under load the
			// announcement can reach B after the telemetry did).
			select {
			case <-held:
			case <-time.After(40 * time.Second):
				t.Fatal("B never started rebuilding its matcher")
			}
			if err := b.app.Ready(ctx); vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
				t.Errorf("B is behind on intel, yet /readyz says %v", err)
			}
			close(release)
			if tt.await == 0 {
				if err := <-uploaded; err != nil {
					t.Fatal(err)
				}
			}
			as, _, err := a.store.ListAlerts(ctx, vigil.AlertFilter{Org: "RXB", Limit: vigil.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != tt.alerts {
				t.Errorf("RXB has %d alerts, want %d: %+v", len(as), tt.alerts, as)
			}
			for _, al := range as {
				if al.Kind != vigil.AlertRetroHunt {
					t.Errorf("alert of kind %s, want a retro-hunt", al.Kind)
				}
			}
		})
	}
}
