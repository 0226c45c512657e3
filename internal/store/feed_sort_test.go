package store_test

import (
	"cmp"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestListFeedsAndWebhooksSorted lists the feeds and the webhooks, which are not paged,
// in each of their orders: feeds pulled at the same time, never pulled or failing;
// webhooks of one kind and of the centre.
func TestListFeedsAndWebhooksSorted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
		for i, name := range []string{"delta", "alpha", "echo", "charlie", "bravo", "foxtrot"} {
			f, err := s.CreateFeed(ctx, feed(name))
			if err != nil {
				t.Fatal(err)
			}
			pull := vigil.FeedPull{At: at.Add(time.Duration(i%2) * time.Hour)}
			if i%3 == 1 {
				pull.Err = errors.New("refused")
			}
			if i != 0 && i != 4 { // delta and bravo were never pulled
				if err := s.RecordPull(ctx, f.ID, pull); err != nil {
					t.Fatal(err)
				}
			}
		}
		feeds, err := s.ListFeeds(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		byName := func(a, b vigil.Feed) int { return cmp.Compare(a.Name, b.Name) }
		type f = sortCase[vigil.FeedSort, vigil.Feed]
		checkOrdered(t, feeds, func(f vigil.Feed) string { return f.Name }, func(sort vigil.FeedSort) ([]vigil.Feed, error) {
			return s.ListFeeds(ctx, sort)
		}, f{"", byName}, f{vigil.FeedByName, byName},
			f{vigil.FeedByLastPull, func(a, b vigil.Feed) int { return cmp.Or(b.LastPullAt.Compare(a.LastPullAt), byName(a, b)) }},
			f{vigil.FeedByStatus, func(a, b vigil.Feed) int { return cmp.Or(cmp.Compare(a.Status, b.Status), byName(a, b)) }})

		mustCreate(t, s, org("RXB", vigil.OrgTrust))
		mustCreate(t, s, org("RXA", vigil.OrgTrust))
		kinds := []vigil.WebhookKind{vigil.WebhookSlack, vigil.WebhookJSON, vigil.WebhookTeams}
		for i := range 7 {
			w := vigil.Webhook{Org: []string{"RXB", "", "RXA"}[i%3], Kind: kinds[(i/2)%3], URL: "https://hooks.example/" + strconv.Itoa(i), Secret: "s"}
			if _, err := s.CreateWebhook(ctx, w); err != nil {
				t.Fatal(err)
			}
		}
		hooks, err := s.ListWebhooks(ctx, vigil.WebhookFilter{})
		if err != nil {
			t.Fatal(err)
		}
		added := func(a, b vigil.Webhook) int { return cmp.Compare(a.ID, b.ID) }
		type w = sortCase[vigil.WebhookSort, vigil.Webhook]
		checkOrdered(t, hooks, func(w vigil.Webhook) string { return w.URL }, func(sort vigil.WebhookSort) ([]vigil.Webhook, error) {
			return s.ListWebhooks(ctx, vigil.WebhookFilter{Sort: sort})
		}, w{"", func(a, b vigil.Webhook) int { return cmp.Or(cmp.Compare(a.Org, b.Org), added(a, b)) }},
			w{vigil.WebhookByNewest, func(a, b vigil.Webhook) int { return -added(a, b) }},
			w{vigil.WebhookByKind, func(a, b vigil.Webhook) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), added(a, b)) }})
	})
}
