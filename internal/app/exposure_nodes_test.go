package app_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// An advisory pulled at one server reaches the other's vulnerability matcher within a
// second, through the advisories change count, and B is ready only once it holds it.
func TestAdvisoriesReachEveryNode(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	dir := t.TempDir()
	record := `{"id": "GHSA-jfh8-c2jp-5v3q", "modified": "2022-03-25T20:56:18Z", "aliases": ["CVE-2021-44228"],
		"affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "log4shell.json"), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	start := func(id string) *app.App {
		s, err := store.Open(t.Context(), store.Config{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		a, err := app.Open(t.Context(), app.Deps{Store: s, Flows: app.Flows{Secret: secret, AdvisoryDir: dir, Node: app.Node{ID: id}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { _ = a.Run(ctx) })
		t.Cleanup(func() { cancel(); wg.Wait() })
		return a
	}
	a, b := start("a"), start("b")
	ctx := t.Context()
	src, err := a.Exposure.CreateSource(ctx, analyst, vigil.AdvisorySource{Name: "OSV mirror", Kind: vigil.AdvisoryOSV,
		Path: filepath.Join(dir, "log4shell.json")})
	if err != nil {
		t.Fatal(err)
	}
	if src, err = a.Exposure.PullSource(ctx, analyst, src.ID); err != nil || src.Status != vigil.FeedOK {
		t.Fatalf("pull at A: %v %s", err, src.LastError)
	}
	if a.Exposure.Stats().Advisories != 1 {
		t.Fatalf("A holds %d advisories after its pull, want 1", a.Exposure.Stats().Advisories)
	}
	if !within(time.Second, func() bool { return b.Exposure.Stats().Advisories == 1 }) {
		t.Error("B's vulnerability matcher does not hold the advisory A pulled a second ago")
	}
	if err := b.Ready(ctx); err != nil {
		t.Errorf("B caught up but is not ready: %v", err)
	}
}
