package store_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	stdcmp "cmp"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// alert returns an early-warning alert for org with the given dedup key.
func alert(org, key string, sev vigil.Severity) vigil.Alert {
	return vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: sev, Title: "192.0.2.7 seen talking to a botnet",
		Body: "Check the host.", Observable: "192.0.2.7", Indicator: "192.0.2.7", Sources: []string{"abuse.ch"},
		TLP: vigil.TLPAmber, DedupKey: key}
}

func TestRaiseAlert(t *testing.T) {
	t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	type want struct {
		created  bool
		sameAs   string // the step whose alert this one must be; "" for a new one
		count    int
		severity vigil.Severity
		sources  []string
		pubs     []string // publishers
		first    time.Time
		last     time.Time
		status   vigil.AlertStatus
	}
	tests := []struct {
		name      string
		alert     vigil.Alert
		ack       bool // acknowledge the alert after raising it
		want      want
		code, msg string
	}{
		{name: "new", alert: func() vigil.Alert {
			a := alert("RXA", "k1", vigil.SeverityMedium)
			a.Publishers = []string{"CIRCL"}
			a.FirstSeen, a.LastSeen = t0, t0
			return a
		}(), ack: true, want: want{created: true, count: 1, severity: vigil.SeverityMedium, sources: []string{"abuse.ch"}, pubs: []string{"CIRCL"}, first: t0, last: t0, status: vigil.AlertAcknowledged}},
		{name: "repeat, lower severity, new source, later", alert: func() vigil.Alert {
			a := alert("RXA", "k1", vigil.SeverityLow)
			a.Sources = []string{"abuse.ch", " Shadowserver "}
			a.Publishers = []string{" NCSC ", "CIRCL"}
			a.FirstSeen, a.LastSeen = t0.Add(time.Hour), t0.Add(2*time.Hour)
			return a
		}(), want: want{sameAs: "new", count: 2, severity: vigil.SeverityMedium, sources: []string{"abuse.ch", "Shadowserver"}, pubs: []string{"CIRCL", "NCSC"}, first: t0, last: t0.Add(2 * time.Hour), status: vigil.AlertAcknowledged}},
		{name: "repeat, higher severity, earlier, counted 5", alert: func() vigil.Alert {
			a := alert("rxa", "k1", vigil.SeverityCritical)
			a.Count = 5
			a.FirstSeen, a.LastSeen = t0.Add(-time.Hour), t0.Add(-time.Hour)
			return a
		}(), want: want{sameAs: "new", count: 7, severity: vigil.SeverityCritical, sources: []string{"abuse.ch", "Shadowserver"}, pubs: []string{"CIRCL", "NCSC"}, first: t0.Add(-time.Hour), last: t0.Add(2 * time.Hour), status: vigil.AlertAcknowledged}},
		{name: "same key, other org", alert: alert("RXB", "k1", vigil.SeverityLow), want: want{created: true, count: 1, severity: vigil.SeverityLow, sources: []string{"abuse.ch"}, status: vigil.AlertOpen}},
		{name: "no key", alert: alert("RXA", "", vigil.SeverityLow), want: want{created: true, count: 1, severity: vigil.SeverityLow, sources: []string{"abuse.ch"}, status: vigil.AlertOpen}},
		{name: "no key again is new", alert: alert("RXA", "", vigil.SeverityLow), want: want{created: true, count: 1, severity: vigil.SeverityLow, sources: []string{"abuse.ch"}, status: vigil.AlertOpen}},
		{name: "no sources", alert: func() vigil.Alert { a := alert("RXA", "k2", vigil.SeverityHigh); a.Sources = nil; return a }(), want: want{created: true, count: 1, severity: vigil.SeverityHigh, status: vigil.AlertOpen}},
		{name: "unknown org", alert: alert("RZZ", "k1", vigil.SeverityLow), code: vigil.EINVALID, msg: "organisation RZZ is not registered"},
		{name: "bad org", alert: alert("?", "k1", vigil.SeverityLow), code: vigil.EINVALID, msg: `ODS code "?" is not valid`},
		{name: "bad kind", alert: func() vigil.Alert { a := alert("RXA", "k1", vigil.SeverityLow); a.Kind = "x"; return a }(), code: vigil.EINVALID, msg: `alert kind "x" is not one of`},
		{name: "bad severity", alert: alert("RXA", "k1", "urgent"), code: vigil.EINVALID, msg: `severity "urgent" is not one of low, medium, high, critical`},
		{name: "bad tlp", alert: func() vigil.Alert { a := alert("RXA", "k1", vigil.SeverityLow); a.TLP = "WHITE"; return a }(), code: vigil.EINVALID, msg: `TLP "WHITE" is not one of`},
		{name: "no title", alert: func() vigil.Alert { a := alert("RXA", "k1", vigil.SeverityLow); a.Title = ""; return a }(), code: vigil.EINVALID, msg: "title is required"},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		ids := map[string]int64{}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id, created, err := s.RaiseAlert(ctx, tt.alert)
				wantError(t, err, tt.code, tt.msg)
				if err != nil {
					return
				}
				ids[tt.name] = id
				if created != tt.want.created || tt.want.sameAs != "" && id != ids[tt.want.sameAs] {
					t.Errorf("RaiseAlert = %d, created %v; want created %v, same as %q (%d)", id, created, tt.want.created, tt.want.sameAs, ids[tt.want.sameAs])
				}
				if tt.ack {
					if _, _, err := s.AckAlert(ctx, id, "it@trust.example"); err != nil {
						t.Fatal(err)
					}
				}
				a, err := s.GetAlert(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				first, last := tt.want.first, tt.want.last
				if first.IsZero() {
					first, last = clk.now().Truncate(time.Microsecond), clk.now().Truncate(time.Microsecond)
				}
				got := want{created: tt.want.created, sameAs: tt.want.sameAs, count: a.Count, severity: a.Severity, sources: a.Sources, pubs: a.Publishers, first: a.FirstSeen, last: a.LastSeen, status: a.Status}
				tt.want.first, tt.want.last = first, last
				if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
					t.Errorf("stored alert (-want +got):\n%s", diff)
				}
				if a.Title != tt.alert.Title || a.Kind != vigil.AlertEarlyWarning || a.TLP != vigil.TLPAmber || a.DedupKey != tt.alert.DedupKey || a.CreatedAt.IsZero() {
					t.Errorf("stored alert = %+v", a)
				}
			})
		}
	})
}

func TestListAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		orgs := []string{"RXA", "RXB", "RXC"}
		for _, o := range orgs {
			mustCreate(t, s, org(o, vigil.OrgTrust))
		}
		sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
		kinds := []vigil.AlertKind{vigil.AlertEarlyWarning, vigil.AlertSighting, vigil.AlertRetroHunt}
		var all []vigil.Alert // newest first
		for i := range 61 {
			a := alert(orgs[i%3], fmt.Sprintf("key-%d", i), sevs[i%4])
			a.Kind = kinds[i%5%3]
			a.FirstSeen = clk.now()
			id, _, err := s.RaiseAlert(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			switch i % 7 {
			case 1:
				_, _, err = s.AckAlert(ctx, id, "x@trust.example")
			case 2:
				_, err = s.ResolveAlert(ctx, id, "x@trust.example", "blocked at the firewall")
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.GetAlert(ctx, id)
			all = append([]vigil.Alert{got}, all...)
			clk.advance(time.Minute)
		}
		since := all[20].LastSeen
		tests := []struct {
			name   string
			filter vigil.AlertFilter
			match  func(vigil.Alert) bool
		}{
			{name: "everything, pages of 7", filter: vigil.AlertFilter{Limit: 7}, match: func(vigil.Alert) bool { return true }},
			{name: "everything, one page", filter: vigil.AlertFilter{Limit: 1000}, match: func(vigil.Alert) bool { return true }},
			{name: "pages of 1", filter: vigil.AlertFilter{Limit: 1, Org: "RXC"}, match: func(a vigil.Alert) bool { return a.Org == "RXC" }},
			{name: "one org", filter: vigil.AlertFilter{Org: "rxb", Limit: 4}, match: func(a vigil.Alert) bool { return a.Org == "RXB" }},
			{name: "open", filter: vigil.AlertFilter{Status: vigil.AlertOpen, Limit: 10}, match: func(a vigil.Alert) bool { return a.Status == vigil.AlertOpen }},
			{name: "resolved critical", filter: vigil.AlertFilter{Status: vigil.AlertResolved, Severity: vigil.SeverityCritical}, match: func(a vigil.Alert) bool {
				return a.Status == vigil.AlertResolved && a.Severity == vigil.SeverityCritical
			}},
			{name: "retro hunts of one org", filter: vigil.AlertFilter{Kind: vigil.AlertRetroHunt, Org: "RXA", Limit: 2}, match: func(a vigil.Alert) bool {
				return a.Kind == vigil.AlertRetroHunt && a.Org == "RXA"
			}},
			{name: "since", filter: vigil.AlertFilter{Since: since, Limit: 6}, match: func(a vigil.Alert) bool { return !a.LastSeen.Before(since) }},
			{name: "unknown org", filter: vigil.AlertFilter{Org: "RZZ"}, match: func(vigil.Alert) bool { return false }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var want []int64
				for _, a := range all {
					if tt.match(a) {
						want = append(want, a.ID)
					}
				}
				got := listAllAlerts(t, s, tt.filter, false)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("listed ids (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("alerts raised while paging", func(t *testing.T) {
			var want []int64
			for _, a := range all {
				want = append(want, a.ID)
			}
			got := listAllAlerts(t, s, vigil.AlertFilter{Limit: 9}, true)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("listed ids (-want +got):\n%s", diff)
			}
		})
		t.Run("full alert", func(t *testing.T) {
			page, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Limit: 1})
			if err != nil || len(page) != 1 {
				t.Fatalf("ListAlerts = %v, %v", page, err)
			}
			one, err := s.GetAlert(ctx, page[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(one, page[0]); diff != "" {
				t.Errorf("listed alert differs from GetAlert (-get +list):\n%s", diff)
			}
		})
		_, _, err := s.ListAlerts(ctx, vigil.AlertFilter{Cursor: "bm9wZQ"})
		wantError(t, err, vigil.EINVALID, "cursor is not valid")
		_, next, _ := s.ListOrgs(ctx, vigil.OrgFilter{Limit: 1})
		_, _, err = s.ListAlerts(ctx, vigil.AlertFilter{Cursor: next})
		wantError(t, err, vigil.EINVALID, "cursor is not valid")
	})
}

// listAllAlerts follows the cursor to the end and returns the ids seen, failing on a
// repeat. With raise, it raises a new alert before fetching each further page.
func listAllAlerts(t *testing.T, s *store.Store, f vigil.AlertFilter, raise bool) []int64 {
	t.Helper()
	var ids []int64
	for pages := 0; ; pages++ {
		list, next, err := s.ListAlerts(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		if limit := stdcmp.Or(f.Limit, vigil.DefaultLimit); len(list) > limit {
			t.Fatalf("page of %d alerts, limit %d", len(list), f.Limit)
		}
		for _, a := range list {
			if slices.Contains(ids, a.ID) {
				t.Fatalf("alert %d listed twice", a.ID)
			}
			ids = append(ids, a.ID)
		}
		if next == "" {
			return ids
		}
		if pages > 100 {
			t.Fatal("too many pages")
		}
		if raise {
			if _, _, err := s.RaiseAlert(t.Context(), alert("RXA", fmt.Sprintf("during-%d", pages), vigil.SeverityLow)); err != nil {
				t.Fatal(err)
			}
		}
		f.Cursor = next
	}
}

func TestAlertLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		a1, _, _ := s.RaiseAlert(ctx, alert("RXA", "a1", vigil.SeverityHigh))
		a2, _, _ := s.RaiseAlert(ctx, alert("RXA", "a2", vigil.SeverityHigh))
		day := clk.now().Format("2 January 2006")
		steps := []struct {
			name       string
			id         int64
			action     string // ack or resolve
			by, note   string
			wantStatus vigil.AlertStatus
			wantBy     string // AckedBy after ack, ResolvedBy after resolve
			code, msg  string
		}{
			{name: "ack", id: a1, action: "ack", by: "ann@trust.example", wantStatus: vigil.AlertAcknowledged, wantBy: "ann@trust.example"},
			{name: "ack again keeps the first", id: a1, action: "ack", by: "bob@trust.example", wantStatus: vigil.AlertAcknowledged, wantBy: "ann@trust.example"},
			{name: "ack by nobody", id: a1, action: "ack", by: " ", code: vigil.EINVALID, msg: "acknowledged by is required"},
			{name: "resolve without a note", id: a1, action: "resolve", by: "ann@trust.example", note: "  ", code: vigil.EINVALID, msg: "a resolution note is required"},
			{name: "resolve", id: a1, action: "resolve", by: "ann@trust.example", note: "Patched the VPN.", wantStatus: vigil.AlertResolved, wantBy: "ann@trust.example"},
			{name: "ack resolved", id: a1, action: "ack", by: "bob@trust.example", code: vigil.ECONFLICT, msg: fmt.Sprintf("alert %d was resolved by ann@trust.example on %s, so it cannot be acknowledged", a1, day)},
			{name: "resolve resolved", id: a1, action: "resolve", by: "bob@trust.example", note: "again", code: vigil.ECONFLICT, msg: fmt.Sprintf("alert %d was already resolved by ann@trust.example", a1)},
			{name: "resolve open", id: a2, action: "resolve", by: "bob@trust.example", note: "False positive.", wantStatus: vigil.AlertResolved, wantBy: "bob@trust.example"},
			{name: "ack unknown", id: 999, action: "ack", by: "bob@trust.example", code: vigil.ENOTFOUND, msg: "no alert 999"},
			{name: "resolve unknown", id: 999, action: "resolve", by: "bob@trust.example", note: "x", code: vigil.ENOTFOUND, msg: "no alert 999"},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				before, _ := s.GetAlert(ctx, st.id)
				var got vigil.Alert
				var err error
				if st.action == "ack" {
					got, _, err = s.AckAlert(ctx, st.id, st.by)
				} else {
					got, err = s.ResolveAlert(ctx, st.id, st.by, st.note)
				}
				wantError(t, err, st.code, st.msg)
				if err != nil {
					if after, _ := s.GetAlert(ctx, st.id); !cmp.Equal(before, after) {
						t.Errorf("a refused %s changed the alert", st.action)
					}
					return
				}
				by, at := got.AckedBy, got.AckedAt
				if st.action == "resolve" {
					by, at = got.ResolvedBy, got.ResolvedAt
					if got.ResolutionNote != st.note {
						t.Errorf("ResolutionNote = %q", got.ResolutionNote)
					}
				}
				if got.Status != st.wantStatus || by != st.wantBy || at.IsZero() {
					t.Errorf("after %s: status %s, by %q at %v; want %s by %s", st.action, got.Status, by, at, st.wantStatus, st.wantBy)
				}
			})
		}
	})
}

// TestRaiseAlertsPublishers raises alerts in batches, as uploads do: the publishers are
// stored with each new alert, a repeat in the same batch and one in a later batch add
// theirs, and each addition words the alert again.
func TestRaiseAlertsPublishers(t *testing.T) {
	words := func(a vigil.Alert) (string, string) {
		return "Listed by " + strings.Join(a.Sources, ", "), "published by " + strings.Join(a.Publishers, ", ")
	}
	raising := func(key string, pubs ...string) store.Raising {
		a := alert("RXA", key, vigil.SeverityMedium)
		a.Publishers = pubs
		return store.Raising{Alert: a, Words: words}
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		batches := []struct {
			in     []store.Raising
			want   [][]string // what raising each alert left its publishers as
			stored []string   // the keyed alert's publishers as stored after the batch
			body   string     // and its body
		}{
			{in: []store.Raising{raising("k1", "CIRCL"), raising("", " NCSC "), raising("k1", "NCSC", "CIRCL")},
				want:   [][]string{{"CIRCL"}, {"NCSC"}, {"CIRCL", "NCSC"}},
				stored: []string{"CIRCL", "NCSC"}, body: "published by CIRCL, NCSC"},
			{in: []store.Raising{raising("k1", "Orgc of a MISP event"), raising("k2")},
				want:   [][]string{{"CIRCL", "NCSC", "Orgc of a MISP event"}, nil},
				stored: []string{"CIRCL", "NCSC", "Orgc of a MISP event"}, body: "published by CIRCL, NCSC, Orgc of a MISP event"},
		}
		for i, b := range batches {
			got, err := s.RaiseAlerts(ctx, b.in)
			if err != nil {
				t.Fatal(err)
			}
			for j, r := range got {
				if !slices.Equal(r.Alert.Publishers, b.want[j]) {
					t.Errorf("batch %d, alert %d: publishers %q, want %q", i, j, r.Alert.Publishers, b.want[j])
				}
			}
			a, err := s.GetAlert(ctx, got[0].Alert.ID)
			if err != nil || !slices.Equal(a.Publishers, b.stored) || a.Body != b.body {
				t.Errorf("batch %d: stored publishers %q, body %q, %v; want %q, %q", i, a.Publishers, a.Body, err, b.stored, b.body)
			}
		}
	})
}

// TestRaiseAlertConcurrent raises the same alert from many goroutines: one alert, every
// repeat counted.
func TestRaiseAlertConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		var mu sync.Mutex
		ids := map[int64]int{}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for range 10 {
					a := alert("RXA", "same", vigil.SeverityLow)
					a.Sources = []string{fmt.Sprintf("partner-%d", g)}
					id, _, err := s.RaiseAlert(ctx, a)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					ids[id]++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(ids) != 1 {
			t.Fatalf("RaiseAlert made alerts %v; want one", ids)
		}
		for id := range ids {
			a, err := s.GetAlert(ctx, id)
			if err != nil || a.Count != 80 || len(a.Sources) != 8 {
				t.Errorf("alert = count %d, sources %v, %v; want 80 and 8 sources", a.Count, a.Sources, err)
			}
		}
	})
}

// TestAckAlertAtOnce is two people acknowledging the same open alert at the same moment:
// exactly one of them moves it, so exactly one audit entry is written above the store.
func TestAckAlertAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		for round := range 5 {
			id, _, err := s.RaiseAlert(ctx, alert("RXA", fmt.Sprintf("race-%d", round), vigil.SeverityHigh))
			if err != nil {
				t.Fatal(err)
			}
			var moves atomic.Int32
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					err := s.Tx(ctx, func(tx *store.Store) error {
						_, moved, err := tx.AckAlert(ctx, id, fmt.Sprintf("person%d@trust.example", i))
						if moved {
							moves.Add(1)
						}
						return err
					})
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if n := moves.Load(); n != 1 {
				t.Fatalf("round %d: %d of two simultaneous acknowledgements moved the alert, want exactly 1", round, n)
			}
		}
	})
}
