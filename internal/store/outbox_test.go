package store_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		alertID, _, err := s.RaiseAlert(ctx, alert("RXA", "k1", vigil.SeverityHigh))
		if err != nil {
			t.Fatal(err)
		}
		now := clk.now()
		t.Run("an immediate message is due at once", func(t *testing.T) {
			id, created, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: "rxa", Kind: vigil.OutboxImmediate,
				Subject: "High: botnet", Body: "Check the host.", AlertID: alertID, DedupKey: "alert|1"})
			if err != nil || !created || id == 0 {
				t.Fatalf("AddOutbox = %d, %v, %v", id, created, err)
			}
			again, created, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: "RXA", Kind: vigil.OutboxImmediate,
				Subject: "High: botnet", Body: "Check the host.", AlertID: alertID, DedupKey: "alert|1"})
			if err != nil || created || again != id {
				t.Fatalf("the same message again = %d, %v, %v; want %d not created", again, created, err, id)
			}
		})
		t.Run("a digest is due when asked", func(t *testing.T) {
			due := now.Add(7 * time.Hour)
			if _, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: "RXB", Kind: vigil.OutboxDigest,
				Subject: "Digest", Body: "Nothing much.", DedupKey: "digest|2025-03-14", DueAt: due}); err != nil {
				t.Fatal(err)
			}
			got, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: "RXB"})
			if err != nil || len(got) != 1 || !got[0].DueAt.Equal(due) || got[0].AlertID != 0 || got[0].Kind != vigil.OutboxDigest {
				t.Fatalf("RXB's outbox = %+v, %v; want one digest due %v", got, err, due)
			}
		})
		t.Run("lists page newest first and filter", func(t *testing.T) {
			all, next, err := s.ListOutbox(ctx, vigil.OutboxFilter{Limit: 1})
			if err != nil || len(all) != 1 || all[0].Org != "RXB" || next == "" {
				t.Fatalf("first page = %+v, %q, %v", all, next, err)
			}
			rest, next, err := s.ListOutbox(ctx, vigil.OutboxFilter{Limit: 1, Cursor: next})
			if err != nil || len(rest) != 1 || rest[0].Org != "RXA" || rest[0].AlertID != alertID || !rest[0].DueAt.Equal(now) || next != "" {
				t.Fatalf("second page = %+v, %q, %v", rest, next, err)
			}
			if got, _, _ := s.ListOutbox(ctx, vigil.OutboxFilter{Kind: vigil.OutboxImmediate}); len(got) != 1 {
				t.Errorf("immediate messages = %d, want 1", len(got))
			}
		})
		t.Run("sent messages leave the pending list", func(t *testing.T) {
			pending, _, _ := s.ListOutbox(ctx, vigil.OutboxFilter{Pending: true})
			clk.advance(time.Minute)
			if err := s.MarkOutboxSent(ctx, pending[0].ID); err != nil {
				t.Fatal(err)
			}
			after, _, _ := s.ListOutbox(ctx, vigil.OutboxFilter{Pending: true})
			if len(after) != len(pending)-1 {
				t.Errorf("pending after sending one = %d, want %d", len(after), len(pending)-1)
			}
			wantError(t, s.MarkOutboxSent(ctx, 999999), vigil.ENOTFOUND, "no message 999999")
		})
		t.Run("bad entries are refused", func(t *testing.T) {
			for name, e := range map[string]vigil.OutboxEntry{
				"outbox kind \"weekly\"":             {Org: "RXA", Kind: "weekly", Subject: "s", Body: "b", DedupKey: "k"},
				"subject is required":                {Org: "RXA", Kind: vigil.OutboxDigest, Body: "b", DedupKey: "k"},
				"needs a body":                       {Org: "RXA", Kind: vigil.OutboxDigest, Subject: "s", DedupKey: "k"},
				"needs a dedup key":                  {Org: "RXA", Kind: vigil.OutboxDigest, Subject: "s", Body: "b"},
				"organisation RZZ or alert 0 is not": {Org: "RZZ", Kind: vigil.OutboxDigest, Subject: "s", Body: "b", DedupKey: "k"},
			} {
				_, _, err := s.AddOutbox(ctx, e)
				wantError(t, err, vigil.EINVALID, name)
			}
		})
	})
}

func TestDigestQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fakeClock(s)
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		raise := func(org, key string) int64 {
			id, _, err := s.RaiseAlert(ctx, alert(org, key, vigil.SeverityLow))
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		b1, a1, a2 := raise("RXB", "k1"), raise("RXA", "k1"), raise("RXA", "k2")
		for _, q := range []struct {
			id  int64
			new bool
		}{{a1, true}, {a1, false}, {b1, false}, {a2, true}} {
			if err := s.QueueDigest(ctx, q.id, q.new); err != nil {
				t.Fatal(err)
			}
		}
		wantError(t, s.QueueDigest(ctx, 999999, true), vigil.ENOTFOUND, "no alert 999999")
		got, err := s.DigestQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type item struct {
			org string
			id  int64
			new bool
		}
		var items []item
		for _, it := range got {
			items = append(items, item{it.Alert.Org, it.Alert.ID, it.New})
		}
		want := []item{{"RXA", a1, true}, {"RXA", a2, true}, {"RXB", b1, false}}
		if len(items) != len(want) {
			t.Fatalf("queue = %v, want %v", items, want)
		}
		for i := range want {
			if items[i] != want[i] {
				t.Errorf("queue[%d] = %v, want %v (by org, then id; the first entry of an alert wins)", i, items[i], want[i])
			}
		}
		if got[0].Alert.Title == "" || got[0].Alert.Sources[0] != "abuse.ch" {
			t.Errorf("queued alert %+v lost its fields", got[0].Alert)
		}
		if err := s.ClearDigest(ctx, []int64{a1, a2}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.DigestQueue(ctx); len(got) != 1 || got[0].Alert.ID != b1 {
			t.Errorf("after clearing RXA's alerts the queue holds %+v, want only RXB's", got)
		}
	})
}
