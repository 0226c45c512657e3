package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
)

// markedCollection is a TAXII data set like the one medallion was tried with: a partner's
// own AMBER marking-definition and identity, then n indicators that refer to both, one
// added a second.
func markedCollection(t *testing.T, n int) []byte { return markedCollectionWith(t, n, false) }

// markedCollectionWith is markedCollection with the marking-definition and identity added
// after the indicators when defsLast.
func markedCollectionWith(t *testing.T, n int, defsLast bool) []byte {
	t.Helper()
	const coll = "c0ffee00-0000-4000-8000-000000000001"
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	stamp := func(i int) string { return t0.Add(time.Duration(i) * time.Second).Format("2006-01-02T15:04:05.000Z") }
	objects := []map[string]any{
		{"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--partner-amber", "created": stamp(0),
			"definition_type": "tlp", "definition": map[string]string{"tlp": "amber"}},
		{"type": "identity", "spec_version": "2.1", "id": "identity--partner", "created": stamp(0), "modified": stamp(0), "name": "Partner CERT"},
	}
	for i := range n {
		objects = append(objects, map[string]any{"type": "indicator", "spec_version": "2.1",
			"id": fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i), "created": stamp(i + 1), "modified": stamp(i + 1),
			"pattern": fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", i+1), "pattern_type": "stix", "valid_from": stamp(i + 1),
			"created_by_ref": "identity--partner", "object_marking_refs": []string{"marking-definition--partner-amber"}})
	}
	if defsLast {
		objects = append(objects[2:], objects[:2]...)
	}
	var manifest []map[string]string
	for i, o := range objects {
		v, _ := o["modified"].(string)
		if v == "" {
			v = o["created"].(string)
		}
		manifest = append(manifest, map[string]string{"id": o["id"].(string), "version": v,
			"date_added": t0.Add(time.Duration(i)*time.Second + time.Millisecond).Format(time.RFC3339Nano),
			"media_type": "application/stix+json;version=2.1"})
	}
	data, err := json.Marshal(map[string]any{
		"/discovery": map[string]any{"title": "partner", "default": "/health/", "api_roots": []string{"/health/"}},
		"health": map[string]any{
			"information": map[string]any{"title": "Health", "versions": []string{"application/taxii+json;version=2.1"}, "max_content_length": 1 << 20},
			"collections": []map[string]any{{"id": coll, "title": "Partner indicators", "can_read": true,
				"media_types": []string{"application/stix+json;version=2.1"}, "objects": objects, "manifest": manifest}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// medallionServer serves markedCollection(n) paging as medallion does, pageSize objects a page.
func medallionServer(t *testing.T, n, pageSize int) (*taxiitest.Server, vigil.Feed) {
	t.Helper()
	return medallionServerOf(t, markedCollection(t, n), pageSize)
}

// medallionServerOf serves data paging as medallion does, pageSize objects a page.
func medallionServerOf(t *testing.T, data []byte, pageSize int) (*taxiitest.Server, vigil.Feed) {
	t.Helper()
	s, err := taxiitest.New(data)
	if err != nil {
		t.Fatal(err)
	}
	s.PageLikeMedallion(true)
	s.SetMaxPageSize(pageSize)
	ts := start(t, s)
	return s, vigil.Feed{Name: "partner", Kind: vigil.FeedTAXII, URL: ts.URL + "/health/", Collection: "c0ffee00-0000-4000-8000-000000000001"}
}

// amber counts the indicators marked AMBER and credited to the partner's identity.
func amber(t *testing.T, got []vigil.Indicator) int {
	t.Helper()
	n := 0
	for _, i := range got {
		if i.Provenance.TLP == vigil.TLPAmber {
			n++
		} else {
			t.Errorf("%s arrived marked %q, want AMBER from the collection's marking-definition", i.Value, i.Provenance.TLP)
		}
	}
	return n
}

// TestFetchTAXIILikeMedallion: a server that reuses one next token for every page of a
// paging session and needs limit on each follow-up is read to the end, and a marking
// defined on page 1 marks the indicators of every page.
func TestFetchTAXIILikeMedallion(t *testing.T) {
	s, f := medallionServer(t, 40, 10)
	emit, got := collect()
	res, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if n := amber(t, *got); n != 40 {
		t.Errorf("%d AMBER indicators, want 40", n)
	}
	reqs := s.Requests()
	if len(reqs) != 5 {
		t.Fatalf("%d requests %q, want 5 pages of 10 objects", len(reqs), reqs)
	}
	tokens := map[string]bool{}
	for _, r := range reqs {
		u, _ := url.Parse(r)
		if u.Query().Get("limit") == "" {
			t.Errorf("request %s has no limit", r)
		}
		if tok := u.Query().Get("next"); tok != "" {
			tokens[tok] = true
		}
	}
	if len(tokens) != 1 {
		t.Errorf("next tokens %v, want the one the server reused", tokens)
	}
	if res.State.Markings["marking-definition--partner-amber"] != string(vigil.TLPAmber) || res.State.Identities["identity--partner"] != "Partner CERT" {
		t.Errorf("state keeps markings %v and identities %v, want the collection's own", res.State.Markings, res.State.Identities)
	}
}

// TestFetchTAXIIResumesAfterAFailedPage: pages read before a failure are kept, the
// high-water mark moves past them, and the next pull goes on from there with the markings
// learnt before.
func TestFetchTAXIIResumesAfterAFailedPage(t *testing.T) {
	s, f := medallionServer(t, 40, 10)
	s.Fail(taxiitest.Failure{Status: 503, After: 2})
	emit, got := collect()
	res, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{}, emit)
	if err == nil || !res.Partial {
		t.Fatalf("error %v, Partial %v; want the third page's failure and a partial pull", err, res.Partial)
	}
	if n := amber(t, *got); n != 18 {
		t.Errorf("%d indicators kept from the first two pages, want 18", n)
	}
	if want := "2026-03-01T09:00:19.001Z"; res.State.AddedAfter != want {
		t.Errorf("AddedAfter %q, want %q (the last object of page 2)", res.State.AddedAfter, want)
	}
	s.Fail(taxiitest.Failure{})
	s.PageLikeMedallion(true) // a new paging session
	emit, got = collect()
	if _, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, res.State, emit); err != nil {
		t.Fatal(err)
	}
	if n := amber(t, *got); n != 22 {
		t.Errorf("%d indicators on resuming, want the other 22", n)
	}
}

// TestFetchTAXIIFailingBeforeItsMarkingsHoldsItsIndicators: when the marking-definition
// and identity come on the last page and a page before it fails, the indicators waiting
// for them are not stored unmarked: the pull keeps nothing of them, its high-water mark
// stays before them, and the next pull stores every one marked AMBER and credited to the
// partner.
func TestFetchTAXIIFailingBeforeItsMarkingsHoldsItsIndicators(t *testing.T) {
	s, f := medallionServerOf(t, markedCollectionWith(t, 40, true), 10)
	s.Fail(taxiitest.Failure{Status: 503, After: 2})
	emit, got := collect()
	res, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{}, emit)
	if err == nil {
		t.Fatal("the third page's failure was not reported")
	}
	if len(*got) != 0 || res.Partial || res.State.AddedAfter != "" {
		t.Fatalf("%d indicators handed over, Partial %v, AddedAfter %q; want none waiting for their marking stored, and the next pull to start over",
			len(*got), res.Partial, res.State.AddedAfter)
	}
	s.Fail(taxiitest.Failure{})
	s.PageLikeMedallion(true)
	emit, got = collect()
	if _, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, res.State, emit); err != nil {
		t.Fatal(err)
	}
	if n := amber(t, *got); n != 40 {
		t.Errorf("%d AMBER indicators on the next pull, want all 40", n)
	}
	for _, i := range *got {
		if i.Provenance.Publisher != "Partner CERT" {
			t.Errorf("%s published by %q, want Partner CERT", i.Value, i.Provenance.Publisher)
			break
		}
	}
}

// TestFetchTAXIIFromDiscovery: the feed's address may be the server's discovery address;
// the default API root is read.
func TestFetchTAXIIFromDiscovery(t *testing.T) {
	_, f := medallionServer(t, 3, 10)
	f.URL = strings.TrimSuffix(f.URL, "/health/") + "/taxii2/"
	emit, got := collect()
	if _, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{}, emit); err != nil {
		t.Fatal(err)
	}
	if n := amber(t, *got); n != 3 {
		t.Errorf("%d indicators, want 3", n)
	}
}
