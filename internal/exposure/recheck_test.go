package exposure_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestRecheckInBatchesMatchesOneByOne runs one story on two stores: one checks
// organisations one at a time, as vigil did before batches; the other three at a time,
// so that batches mix organisations with findings new, unchanged, fixed, suppressed by
// VEX, under a product-of-concern policy and linked to a supplier. After each step the
// alerts (their numbers, words, deadlines and history), findings and suppressions must
// be the same.
func TestRecheckInBatchesMatchesOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		other := storetest.Open(t)
		if s.Engine() == store.EnginePostgres {
			other = storetest.OpenPostgres(t)
		}
		one, batched := newFixture(t, other), newFixture(t, s)
		exposure.SetCheckBatch(one.svc, 1)
		exposure.SetCheckBatch(batched.svc, 3)
		steps := []struct {
			name string
			do   func(f *fixture)
		}{
			{"seed", seedRecheckStory},
			{"first pull", func(f *fixture) { f.source("OSV test", vigil.AdvisoryOSV, "osv") }},
			{"inventories changed, all checked", func(f *fixture) {
				log4j := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.17.1"}
				f.inventory("RY0", "servers", log4j)
				sup := log4j
				sup.Supplier = "CarePlan Cloud"
				f.inventory("RY2", "care-plan", sup)
				f.inventory("RY4", "web", vigil.Component{Ecosystem: "PyPI", Name: "Jinja2", Version: "2.10"})
				log4j.Version = "2.14.1"
				f.inventory(careHome, "care-app", log4j, vigil.Component{Ecosystem: "npm", Name: "lodash", Version: "4.17.21"})
				if err := exposure.RecheckAll(context.Background(), f.svc, recheckStoryOrgs); err != nil {
					t.Fatal(err)
				}
			}},
			{"changed record pulled", func(f *fixture) {
				f.copy("osv-v2/jinja.json", "osv/jinja.json")
				f.pull(1)
			}},
			{"KEV pulled", func(f *fixture) {
				f.copy("kev.json", "kev.json")
				f.source("CISA KEV", vigil.AdvisoryKEV, "kev.json")
			}},
			{"nothing changed, all checked", func(f *fixture) {
				if err := exposure.RecheckAll(context.Background(), f.svc, recheckStoryOrgs); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, step := range steps {
			for _, f := range []*fixture{one, batched} {
				f.clk.t = f.clk.t.Add(time.Hour)
				step.do(f)
			}
			if diff := cmp.Diff(recheckState(t, one), recheckState(t, batched)); diff != "" {
				t.Fatalf("after %s, batches differ from one by one (-one +batched):\n%s", step.name, diff)
			}
		}
		if n := len(recheckState(t, batched)["alerts"].([]any)); n < 10 {
			t.Errorf("the story raised only %d alerts: it tests too little", n)
		}
	})
}

// recheckStoryOrgs are the organisations of the story, the supplier and one with no
// inventory among them.
var recheckStoryOrgs = []string{ownOrg, otherOrg, careHome, "RY0", "RY1", "RY2", "RY3", "RY4", "RY5", "RY6", "RY7", "YSUP1"}

// seedRecheckStory adds to newFixture's three organisations eight more and a supplier.
func seedRecheckStory(f *fixture) {
	ctx := context.Background()
	for _, o := range recheckStoryOrgs[3:] {
		org := vigil.Org{ODSCode: o, Name: "Care " + o, Kind: vigil.OrgCareProvider, Region: "North West"}
		if o == "YSUP1" { // named as the inventories name it
			org.Name, org.Kind = "CarePlan Cloud", vigil.OrgSupplier
		}
		if _, _, err := f.s.CreateOrg(ctx, org); err != nil {
			f.t.Fatal(err)
		}
	}
	for _, c := range []string{"RY1", "RY2"} {
		if err := f.s.LinkSupplier(ctx, "YSUP1", c); err != nil {
			f.t.Fatal(err)
		}
	}
	log4j := vigil.Component{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"}
	sup := log4j
	sup.Supplier = "CarePlan Cloud"
	jinja := vigil.Component{Ecosystem: "PyPI", Name: "Jinja2", Version: "2.10"}
	f.inventory("RY0", "servers", log4j, jinja)
	f.inventory("RY1", "care-plan", sup)
	f.inventory("RY2", "care-plan", sup)
	f.csvInventory("RY3", "office", "vendor,product,version\nKaspersky,Endpoint Security for Windows,11.1.0\n")
	jinja.Version = "3.0.0"
	f.inventory("RY4", "web", jinja)
	f.inventory("RY6", "servers", log4j)
	old := log4j
	old.Version = "2.0"
	f.inventory("RY7", "servers", old, log4j)
	p := vigil.Principal{Email: "admin@ry6.example", Role: vigil.RoleOrgAdmin, Org: "RY6"}
	if _, err := f.svc.UploadVEX(ctx, p, "RY6", "ry6.openvex.json", []byte(log4jNotAffected)); err != nil {
		f.t.Fatal(err)
	}
}

// recheckState is what a check writes, of every organisation of the story, as JSON
// values so that times compare by their text.
func recheckState(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	ctx := context.Background()
	type alertState struct {
		Alert   vigil.Alert
		History []vigil.HistoryEntry
	}
	var as []alertState
	var findings []vigil.Exposure
	for _, org := range recheckStoryOrgs {
		for _, a := range f.alertsOf(org) {
			h, err := f.s.AlertHistory(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i := range h {
				h[i].ID = 0 // history rows are numbered in the order written, which batches change
			}
			// The store stamps these with its own clock, not the fixture's.
			a.CreatedAt, a.FirstSeen, a.LastSeen, a.ResolvedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			as = append(as, alertState{a, h})
		}
		list, err := f.s.OrgExposures(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		findings = append(findings, list...)
	}
	sup, err := f.s.Suppressions(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	raw, _ := json.Marshal(map[string]any{"alerts": as, "findings": findings, "suppressions": sup})
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConcurrentRechecksDoNotDeadlock runs re-checks of overlapping lists of
// organisations at once, in batches of two whose boundaries differ between the lists,
// while single organisations are checked too: each run must lock in one global order
// (a deadlock hangs the test until go test's timeout).
func TestConcurrentRechecksDoNotDeadlock(t *testing.T) {
	f := newFixture(t, storetest.Open(t))
	seedRecheckStory(f)
	f.source("OSV test", vigil.AdvisoryOSV, "osv")
	exposure.SetCheckBatch(f.svc, 2)
	ctx := context.Background()
	errs := make(chan error, 40)
	for i := range 10 {
		go func() { errs <- exposure.RecheckAll(ctx, f.svc, recheckStoryOrgs[i%2:]) }()
		go func() { errs <- exposure.RecheckAll(ctx, f.svc, recheckStoryOrgs[(i+1)%3:]) }()
		go func() { _, err := f.svc.Check(ctx, recheckStoryOrgs[i]); errs <- err }()
		go func() { errs <- exposure.RecheckAll(ctx, f.svc, recheckStoryOrgs[:len(recheckStoryOrgs)-i%4]) }()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
