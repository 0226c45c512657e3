package store_test

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The sorted lists of the audit log, unrouted events, the outbox and deliveries: each
// pages through every order, with rows that tie on its key.

func TestListAuditSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		all := fillAudit(t, s, 7)
		newest := func(a, b vigil.AuditEntry) int { return cmp.Compare(b.Seq, a.Seq) }
		list := func(sort vigil.AuditSort) listFunc[vigil.AuditEntry] {
			return func(cursor string, limit int) ([]vigil.AuditEntry, string, error) {
				return s.ListAudit(t.Context(), vigil.AuditFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		type c = sortCase[vigil.AuditSort, vigil.AuditEntry]
		checkSorted(t, all, func(e vigil.AuditEntry) string { return fmt.Sprint(e.Seq) }, list, c{"", newest},
			c{vigil.AuditByNewest, newest}, c{vigil.AuditByOldest, func(a, b vigil.AuditEntry) int { return -newest(a, b) }})
		checkSortErrors(t, list, vigil.AuditByOldest, vigil.AuditByNewest, "newest, oldest")
	})
}

func TestListUnroutedSorted(t *testing.T) {
	t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fakeClock(s)
		for i := range 9 {
			u := unrouted(fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("k%d", i), t0.Add(time.Duration(i%3)*time.Hour))
			u.Event.Type = []string{"open_port", "compromise"}[i%2]
			for range 1 + i%4 { // reported again at the same time: counts that tie
				if _, _, err := s.AddUnrouted(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
		}
		all, _, err := s.ListUnrouted(ctx, vigil.UnroutedFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		newest := func(a, b vigil.UnroutedEvent) int { return cmp.Compare(b.ID, a.ID) }
		list := func(sort vigil.UnroutedSort) listFunc[vigil.UnroutedEvent] {
			return func(cursor string, limit int) ([]vigil.UnroutedEvent, string, error) {
				return s.ListUnrouted(ctx, vigil.UnroutedFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		type c = sortCase[vigil.UnroutedSort, vigil.UnroutedEvent]
		checkSorted(t, all, func(u vigil.UnroutedEvent) string { return u.Event.Observable }, list, c{"", newest},
			c{vigil.UnroutedByNewest, newest},
			c{vigil.UnroutedByLastSeen, func(a, b vigil.UnroutedEvent) int { return cmp.Or(b.LastSeen.Compare(a.LastSeen), newest(a, b)) }},
			c{vigil.UnroutedByCount, func(a, b vigil.UnroutedEvent) int { return cmp.Or(cmp.Compare(b.Count, a.Count), newest(a, b)) }},
			c{vigil.UnroutedByType, func(a, b vigil.UnroutedEvent) int {
				return cmp.Or(cmp.Compare(a.Event.Type, b.Event.Type), newest(a, b))
			}})
		checkSortErrors(t, list, vigil.UnroutedByCount, vigil.UnroutedByType, "newest, last_seen, count, type")
	})
}

func TestListOutboxAndDeliveriesSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		kinds := []vigil.OutboxKind{vigil.OutboxDigest, vigil.OutboxImmediate}
		now := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
		for i := range 7 {
			id, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: []string{"RXB", "RXA", "RXA"}[i%3], Kind: kinds[i%2],
				Subject: "S", Body: "B", DedupKey: fmt.Sprintf("d%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.AddEmailDelivery(ctx, vigil.Delivery{OutboxID: id, Recipient: fmt.Sprintf("r%d@rxa.example", i), NextAttemptAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		claimed, err := s.ClaimDeliveries(ctx, store.EmailDeliveries, now, time.Minute, 3)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		for i, d := range claimed { // one delivered, two failed once (one of them for good)
			o := store.Outcome{At: now, Err: "down", Retry: now.Add(time.Minute)}
			switch i {
			case 0:
				o = store.Outcome{At: now, File: "x.eml"}
			case 1:
				o.Retry = time.Time{}
			}
			if err := s.RecordAttempt(ctx, store.EmailDeliveries, d.ID, o); err != nil {
				t.Fatal(err)
			}
		}
		msgs, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		newestMsg := func(a, b vigil.OutboxEntry) int { return cmp.Compare(b.ID, a.ID) }
		listMsgs := func(sort vigil.OutboxSort) listFunc[vigil.OutboxEntry] {
			return func(cursor string, limit int) ([]vigil.OutboxEntry, string, error) {
				return s.ListOutbox(ctx, vigil.OutboxFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		type m = sortCase[vigil.OutboxSort, vigil.OutboxEntry]
		checkSorted(t, msgs, func(e vigil.OutboxEntry) string { return e.DedupKey }, listMsgs, m{"", newestMsg},
			m{vigil.OutboxByNewest, newestMsg}, m{vigil.OutboxByOldest, func(a, b vigil.OutboxEntry) int { return -newestMsg(a, b) }},
			m{vigil.OutboxByOrg, func(a, b vigil.OutboxEntry) int { return cmp.Or(cmp.Compare(a.Org, b.Org), newestMsg(a, b)) }},
			m{vigil.OutboxByKind, func(a, b vigil.OutboxEntry) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), newestMsg(a, b)) }})
		checkSortErrors(t, listMsgs, vigil.OutboxByOrg, vigil.OutboxByKind, "newest, oldest, org, kind")

		ds, _, err := s.ListDeliveries(ctx, store.EmailDeliveries, vigil.DeliveryFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		newest := func(a, b vigil.Delivery) int { return cmp.Compare(b.ID, a.ID) }
		listDs := func(sort vigil.DeliverySort) listFunc[vigil.Delivery] {
			return func(cursor string, limit int) ([]vigil.Delivery, string, error) {
				return s.ListDeliveries(ctx, store.EmailDeliveries, vigil.DeliveryFilter{Sort: sort, Cursor: cursor, Limit: limit})
			}
		}
		type d = sortCase[vigil.DeliverySort, vigil.Delivery]
		checkSorted(t, ds, func(d vigil.Delivery) string { return d.Recipient }, listDs, d{"", newest}, d{vigil.DeliveryByNewest, newest},
			d{vigil.DeliveryByOldest, func(a, b vigil.Delivery) int { return -newest(a, b) }},
			d{vigil.DeliveryByStatus, func(a, b vigil.Delivery) int { return cmp.Or(cmp.Compare(a.Status, b.Status), newest(a, b)) }},
			d{vigil.DeliveryByAttempts, func(a, b vigil.Delivery) int { return cmp.Or(cmp.Compare(b.Attempts, a.Attempts), newest(a, b)) }})
		checkSortErrors(t, listDs, vigil.DeliveryByStatus, vigil.DeliveryByAttempts, "newest, oldest, status, attempts")
		_, next, _ := s.ListDeliveries(ctx, store.EmailDeliveries, vigil.DeliveryFilter{Limit: 1})
		_, _, err = s.ListDeliveries(ctx, store.WebhookDeliveries, vigil.DeliveryFilter{Cursor: next})
		wantError(t, err, vigil.EINVALID, "page cursor is not valid")
	})
}
