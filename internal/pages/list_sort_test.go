package pages_test

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// ascendingText and descendingText say whether two CSV cells are in order.
func ascendingText(a, b string) bool  { return a <= b }
func descendingText(a, b string) bool { return a >= b }

// ascendingNumber says whether two CSV cells holding integers are in ascending order.
func ascendingNumber(a, b string) bool { return descendingNumber(b, a) }

// descendingNumber says whether two CSV cells holding integers are in descending order.
func descendingNumber(a, b string) bool {
	x, errX := strconv.Atoi(a)
	y, errY := strconv.Atoi(b)
	return errX == nil && errY == nil && x >= y
}

// TestListPagesSort: on every list that sorts, a column's header leads to the list in
// its order, keeping the filters, and says (aria-sort and an arrow) which column the list
// is sorted by; the CSV comes in that order and the next page keeps it; a made-up order
// is refused in words naming the orders.
func TestListPagesSort(t *testing.T) {
	s := demoSite(t)
	seedSortableLists(t, s.store)
	tests := []struct {
		name, user, path string // path is the list sorted, with a filter to keep
		head             string // the sorted column's header, marked
		column           string // a CSV column in the sort's order
		ordered          func(a, b string) bool
		orders           string // the orders a bad sort's message names
		badStatus        int    // the answer to a bad sort: 422, or 400 on a page that shows it on its form
		whole            bool   // the list is shown whole, with no next page
	}{
		{name: "organisations by name", user: analyst, path: "/orgs?sort=name&kind=care_provider",
			head:   `aria-sort="ascending"><a href="/orgs?kind=care_provider&amp;sort=name">Organisation<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "name", ordered: ascendingText, orders: "ods_code, name, kind, region"},
		{name: "organisations by region", user: analyst, path: "/orgs?sort=region",
			head:   `aria-sort="ascending"><a href="/orgs?sort=region">Region<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "region", ordered: ascendingText, orders: "ods_code, name, kind, region"},
		{name: "customers by name", user: supplier, path: "/customers?sort=name",
			head:   `aria-sort="ascending"><a href="/customers?sort=name">Customer<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "name", ordered: ascendingText, orders: "ods_code, name, kind, region"},
		{name: "people by organisation", user: sectorAdmin, path: "/users?sort=org&email=.example",
			head:   `aria-sort="ascending"><a href="/users?email=.example&amp;sort=org">Organisation<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "organisation", ordered: ascendingText, orders: "email, name, role, org, newest, last_sign_in"},
		{name: "people by name", user: sectorAdmin, path: "/users?sort=name",
			head:   `aria-sort="ascending"><a href="/users?sort=name">Person<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "name", ordered: ascendingText, orders: "email, name, role, org, newest, last_sign_in"},
		{name: "indicators by type", user: analyst, path: "/indicators?sort=type&tlp=CLEAR",
			head:   `aria-sort="ascending"><a href="/indicators?sort=type&amp;tlp=CLEAR">Type<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "type", ordered: ascendingText, orders: "newest, oldest, value, type, confidence, last_seen, last_sighted",
			badStatus: http.StatusBadRequest},
		{name: "indicators by value", user: analyst, path: "/indicators?sort=value&type=domain",
			head:   `aria-sort="ascending"><a href="/indicators?sort=value&amp;type=domain">Indicator<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "value", ordered: ascendingText, orders: "newest, oldest, value, type, confidence, last_seen, last_sighted",
			badStatus: http.StatusBadRequest},
		{name: "sightings by count", user: analyst, path: "/sightings?sort=count&type=domain",
			head:   `aria-sort="descending"><a href="/sightings?sort=count&amp;type=domain">Events<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`,
			column: "count", ordered: descendingNumber, orders: "newest, latest, count, org, indicator", badStatus: http.StatusBadRequest},
		{name: "sightings by organisation", user: analyst, path: "/sightings?sort=org&since=2000-01-01",
			head:   `aria-sort="ascending"><a href="/sightings?since=2000-01-01&amp;sort=org">Organisation<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "organisation", ordered: ascendingText, orders: "newest, latest, count, org, indicator", badStatus: http.StatusBadRequest},
		{name: "audit log oldest first", user: sectorAdmin, path: "/audit?sort=oldest",
			head:   `aria-sort="ascending"><a href="/audit">When<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "seq", ordered: ascendingNumber, orders: "newest, oldest"},
		{name: "events nobody owns by count", user: analyst, path: "/events/unrouted?sort=count",
			head:   `aria-sort="descending"><a href="/events/unrouted?sort=count">Seen<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`,
			column: "count", ordered: descendingNumber, orders: "newest, last_seen, count, type"},
		{name: "messages by organisation", user: analyst, path: "/notifications?sort=org",
			head:   `aria-sort="ascending"><a href="/notifications?sort=org">Organisation<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "organisation", ordered: ascendingText, orders: "newest, oldest, org, kind", badStatus: http.StatusBadRequest},
		{name: "webhook deliveries by tries", user: sectorAdmin, path: "/webhooks/deliveries?sort=attempts",
			head:   `aria-sort="descending"><a href="/webhooks/deliveries?sort=attempts">Last try<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`,
			column: "attempts", ordered: descendingNumber, orders: "newest, oldest, status, attempts", badStatus: http.StatusBadRequest},
		{name: "feeds by last pull", user: analyst, path: "/feeds?sort=last_pull",
			head:   `aria-sort="descending"><a href="/feeds?sort=last_pull">Last pull<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`,
			column: "last_pull", ordered: descendingText, orders: "name, last_pull, status", whole: true},
		{name: "webhooks by kind", user: sectorAdmin, path: "/webhooks?sort=kind",
			head:   `aria-sort="ascending"><a href="/webhooks?sort=kind">Kind<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`,
			column: "kind", ordered: ascendingText, orders: "org, newest, kind", whole: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := s.signIn(tc.user)
			p := b.get(tc.path)
			if p.status != http.StatusOK || strings.Count(p.body, "aria-sort=") != 1 || !p.has(tc.head) {
				t.Fatalf("%s: %d, want exactly one header marked: %s\n%s", tc.path, p.status, tc.head, p.body)
			}
			sort := regexp.MustCompile(`sort=[a-z_]+`).FindString(tc.path)
			p = b.get(tc.path + "&limit=2")
			if m := regexp.MustCompile(`href="([^"]*cursor=[^"]*)">Next page`).FindStringSubmatch(p.body); tc.whole {
				if m != nil {
					t.Errorf("a list shown whole has a next page: %q", m)
				}
			} else if m == nil || !strings.Contains(m[1], sort) {
				t.Errorf("next page %q leaves the order %s", m, sort)
			}
			col := csvColumn(t, b.get(tc.path+"&format=csv&limit=500"), tc.column)
			if len(slices.Compact(slices.Sorted(slices.Values(col)))) < 2 {
				t.Fatalf("CSV: want rows that differ in %s, got %v", tc.column, col)
			}
			for i := 1; i < len(col); i++ {
				if !tc.ordered(col[i-1], col[i]) {
					t.Errorf("CSV: row %d (%s) comes after %s", i+1, col[i], col[i-1])
				}
			}
			bad := regexp.MustCompile(`sort=[a-z_]+`).ReplaceAllString(tc.path, "sort=colour")
			if p := b.get(bad); p.status != cmp.Or(tc.badStatus, http.StatusUnprocessableEntity) || !p.has("is not one of "+tc.orders) {
				t.Errorf("%s: %d, want %d naming the orders\n%s", bad, p.status, cmp.Or(tc.badStatus, http.StatusUnprocessableEntity), p.body)
			}
		})
	}
}

// seedSortableLists adds what the demo lacks to sort: events nobody owns reported
// different numbers of times, and webhook deliveries tried different numbers of times.
func seedSortableLists(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := t.Context()
	at := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	for i := range 4 {
		ev := vigil.UnroutedEvent{Event: vigil.ThreatEvent{Type: "open_port", Observable: fmt.Sprintf("203.0.113.%d", 10+i),
			ObservableType: vigil.TypeIPv4, Time: at, Source: "Shadowserver", Severity: vigil.SeverityMedium},
			Reporter: analyst, DedupKey: fmt.Sprintf("sort-%d", i)}
		for range 1 + i%3 {
			if _, _, err := st.AddUnrouted(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	hook, err := st.CreateWebhook(ctx, vigil.Webhook{Kind: vigil.WebhookJSON, URL: "https://hooks.example/sort", Secret: "s3cret-for-sorting-tests", CreatedBy: analyst})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateWebhook(ctx, vigil.Webhook{Kind: vigil.WebhookSlack, URL: "https://hooks.example/slack", Secret: "s3cret-for-sorting-tests", CreatedBy: analyst}); err != nil {
		t.Fatal(err)
	}
	feeds, err := st.ListFeeds(ctx, "")
	if err != nil || len(feeds) < 2 {
		t.Fatalf("demo feeds: %d, %v", len(feeds), err)
	}
	if err := st.RecordPull(ctx, feeds[0].ID, vigil.FeedPull{At: at}); err != nil { // pulled an hour before the others
		t.Fatal(err)
	}
	later := time.Now().Add(24 * time.Hour) // not due: the delivery loop leaves them be
	for i := range 4 {
		id, err := st.AddWebhookDelivery(ctx, vigil.Delivery{WebhookID: hook.ID, Event: vigil.WebhookEvent("test"), Payload: "{}",
			MaxAttempts: 8, NextAttemptAt: later})
		if err != nil {
			t.Fatal(err)
		}
		for range i % 3 {
			if err := st.RecordAttempt(ctx, store.WebhookDeliveries, id, store.Outcome{At: at, Err: "refused", Retry: later}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
