package alerts

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// RaiseAll over batches leaves the store as Raise one alert at a time does: the same
// alerts (merged counts, severities, sources, TLP, words, deadlines), the same history
// (repeats in a row folded into one entry), the same digest queue and the same
// immediate messages, narrowed for named recipients when a repeat marks an alert RED.
// The same random sequence is raised for RXA one by one and for RXB in batches.
func TestRaiseAllMatchesRaiseOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newService(t, s, clk)
		seq := randomRaisings(rand.New(rand.NewPCG(13, 7)), 400)
		for start := 0; start < len(seq); start += 80 {
			part := seq[start:min(start+80, len(seq))]
			err := s.Tx(t.Context(), func(tx *store.Store) error {
				for _, r := range part {
					if _, _, err := svc.Raise(t.Context(), tx, forOrg(r, "RXA")); err != nil {
						return err
					}
				}
				batch := make([]Raising, len(part))
				for i, r := range part {
					batch[i] = forOrg(r, "RXB")
				}
				got, err := svc.RaiseAll(t.Context(), tx, batch)
				if err == nil && len(got) != len(batch) {
					err = fmt.Errorf("RaiseAll returned %d results for %d alerts", len(got), len(batch))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Minute)
		}
		one, all := raisedState(t, s, "RXA"), raisedState(t, s, "RXB")
		if len(one) == 0 {
			t.Fatal("nothing was raised")
		}
		if diff := cmp.Diff(one, all); diff != "" {
			t.Errorf("RaiseAll differs from Raise one by one (-one +all):\n%s", diff)
		}
	})
}

// randomRaisings is n raisings over a few dedup keys, with severities, markings,
// sources, counts and times that make repeats merge in every way, and words that
// reword a repeat from its sources and TLP.
func randomRaisings(rng *rand.Rand, n int) []Raising {
	sevs := []vigil.Severity{vigil.SeverityLow, vigil.SeverityMedium, vigil.SeverityHigh, vigil.SeverityCritical}
	tlps := []vigil.TLP{"", vigil.TLPClear, vigil.TLPGreen, vigil.TLPAmber, vigil.TLPRed}
	srcs := []string{"abuse.ch", "Shadowserver", "CERT-UK"}
	words := func(a vigil.Alert) (string, string) {
		return "Seen by " + strings.Join(a.Sources, ", "), "Marked " + string(a.TLP)
	}
	out := make([]Raising, n)
	for i := range out {
		seen := warnNow.Add(-time.Duration(rng.IntN(600)) * time.Minute)
		a := vigil.Alert{Kind: vigil.AlertEarlyWarning, Severity: sevs[rng.IntN(len(sevs))],
			Observable: "192.0.2.10", FirstSeen: seen, LastSeen: seen.Add(time.Duration(rng.IntN(30)) * time.Minute),
			Sources: []string{srcs[rng.IntN(len(srcs))]}, TLP: tlps[rng.IntN(len(tlps))], Count: 1 + rng.IntN(3),
			DedupKey: "k" + strconv.Itoa(rng.IntN(12))}
		out[i] = Worded(a, words)
		if rng.IntN(4) == 0 {
			out[i].Words = nil // a flow that keeps a repeat's words
		}
	}
	return out
}

// forOrg is r raised for org.
func forOrg(r Raising, org string) Raising {
	r.Alert.Org = org
	r.Alert.Sources = append([]string(nil), r.Alert.Sources...)
	return r
}

// raisedAlert is what raising left for one alert, without its number.
type raisedAlert struct {
	Alert   vigil.Alert
	History []vigil.HistoryEntry
	Queued  string // "new", "repeat" or "" when not in the digest queue
	Message []vigil.OutboxEntry
}

// raisedState is every alert of org with its history, digest entry and immediate
// messages, by dedup key, with alert and entry numbers blanked.
func raisedState(t *testing.T, s *store.Store, org string) map[string]raisedAlert {
	t.Helper()
	queue, err := s.DigestQueue(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	queued := map[int64]string{}
	for _, it := range queue {
		queued[it.Alert.ID] = map[bool]string{true: "new", false: "repeat"}[it.New]
	}
	msgs := outboxOf(t, s, org, vigil.OutboxImmediate)
	out := map[string]raisedAlert{}
	for i := range 12 {
		key := "k" + strconv.Itoa(i)
		got, err := s.AlertsByKey(t.Context(), []store.AlertKey{{Org: org, DedupKey: key}})
		if err != nil {
			t.Fatal(err)
		}
		a, ok := got[store.AlertKey{Org: org, DedupKey: key}]
		if !ok {
			continue
		}
		h, err := s.AlertHistory(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range h {
			h[i].ID, h[i].Alert = 0, 0
		}
		r := raisedAlert{History: h, Queued: queued[a.ID]}
		for _, m := range msgs {
			if m.AlertID == a.ID {
				m.ID, m.AlertID, m.Org = 0, 0, ""
				m.Body = strings.ReplaceAll(m.Body, "alert "+strconv.FormatInt(a.ID, 10), "alert N")
				m.DedupKey, m.CreatedAt, m.DueAt = "", time.Time{}, time.Time{}
				r.Message = append(r.Message, m)
			}
		}
		a.ID, a.Org, a.CreatedAt = 0, "", time.Time{} // the store's own clock
		r.Alert = a
		out[key] = r
	}
	return out
}
