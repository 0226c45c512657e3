package taxii

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// added is one object version as a page should deliver it: "id@version" and the time
// the server's manifest says it was added.
type added struct{ key, at string }

// The object versions of medallion's collection 91a7b528, in the order they were added.
// Two versions of the malware were added at the same instant; the manifest's order stands.
var (
	mRelationship = added{"relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463@2014-05-08T09:00:00.000Z", "2014-05-08T09:00:00Z"}
	mIndicatorCD  = added{"indicator--cd981c25-8042-4166-8945-51178443bdac@2014-05-08T09:00:00.000Z", "2016-11-01T03:04:05Z"}
	mIndicator1   = added{"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e@2016-11-03T12:30:59.000Z", "2016-11-03T12:30:59.001Z"}
	mIndicator2   = added{"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e@2016-12-25T12:30:59.444Z", "2016-12-27T13:49:59Z"}
	mMarking      = added{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da@2017-01-20T00:00:00.000Z", "2017-01-20T00:00:00Z"}
	mMalware21    = added{"malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec@2017-01-27T13:49:53.997Z", "2017-01-27T13:49:59.997Z"}
	mMalware20    = added{"malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec@2018-02-23T18:30:00.000Z", "2017-01-27T13:49:59.997Z"}
	mIndicator3   = added{"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e@2017-01-27T13:49:53.935Z", "2017-12-31T13:49:53.935Z"}
)

// The object versions of the fixture's collection, in the order they were added.
var (
	fMarking  = added{"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb@2022-10-01T00:00:00.000Z", "2026-01-04T00:00:00Z"}
	fIdentity = added{"identity--6a2f0c84-53e1-4c8b-a0a4-1f3e9d7b5c21@2026-01-05T09:00:00.000Z", "2026-01-05T09:00:01Z"}
	fIPv4v1   = added{"indicator--0c6f7a1e-2b4d-4e8a-9f3c-5d7e1a2b3c40@2026-01-06T10:00:00.000Z", "2026-01-06T10:00:02Z"}
	fDomain   = added{"indicator--3e9b2d57-8a1c-4f6e-b2d0-7c4a9e1f5b62@2026-01-07T08:30:00.000Z", "2026-01-07T08:30:00.25Z"}
	fURL      = added{"indicator--9d1a4c7b-6e2f-4a3b-8c5d-0e7f2a9b1c83@2026-01-08T12:00:00.000Z", "2026-01-08T12:00:00Z"}
	fSHA256   = added{"indicator--5f8e3b2a-1c9d-4e7f-a6b4-2d0c8e5a7f94@2026-01-09T16:45:00.000Z", "2026-01-09T16:45:00.5Z"}
	fIPv4v2   = added{"indicator--0c6f7a1e-2b4d-4e8a-9f3c-5d7e1a2b3c40@2026-01-09T23:59:59.999Z", "2026-01-10T00:00:00.000001Z"}
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// objectKey names an object version as "id@version", its version being modified or created.
func objectKey(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var o struct{ ID, Created, Modified string }
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("object %s: %v", raw, err)
	}
	if o.Modified == "" {
		o.Modified = o.Created
	}
	return o.ID + "@" + o.Modified
}

func TestObjectsPaging(t *testing.T) {
	all := []string{"all"}
	tests := []struct {
		name, path, root, coll string
		query                  Query
		serverPage             int // the server's most objects per page; 0 for its default
		want                   []added
		wantPages              int
	}{
		{name: "medallion, limit 1, every version of every STIX version", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Limit: 1, Versions: all, SpecVersions: []string{"2.0", "2.1"}},
			want:  []added{mRelationship, mIndicatorCD, mIndicator1, mIndicator2, mMarking, mMalware21, mMalware20, mIndicator3}, wantPages: 8},
		{name: "medallion, limit 1, server defaults", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Limit: 1}, want: []added{mRelationship, mIndicatorCD, mMarking, mMalware21, mIndicator3}, wantPages: 5},
		{name: "medallion, limit 3, every version", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Limit: 3, Versions: all},
			want:  []added{mRelationship, mIndicatorCD, mIndicator1, mIndicator2, mMarking, mMalware21, mIndicator3}, wantPages: 3},
		{name: "medallion, first versions of indicators", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Types: []string{"indicator"}, Versions: []string{"first"}}, want: []added{mIndicatorCD, mIndicator1}, wantPages: 1},
		{name: "medallion, STIX 2.0 only", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{SpecVersions: []string{"2.0"}}, want: []added{mMalware20}, wantPages: 1},
		{name: "medallion, one id, every version", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Limit: 2, IDs: []string{"indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"}, Versions: all},
			want:  []added{mIndicator1, mIndicator2, mIndicator3}, wantPages: 2},
		{name: "medallion, one version by timestamp", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Versions: []string{"2016-12-25T12:30:59.444Z"}}, want: []added{mIndicator2}, wantPages: 1},
		{name: "medallion, added after", path: medallionPath, root: medallionRoot, coll: medallionColl,
			query: Query{Limit: 1, AddedAfter: time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)},
			want:  []added{mMarking, mMalware21, mIndicator3}, wantPages: 3},
		{name: "medallion, empty collection", path: medallionPath, root: medallionRoot, coll: "365fed99-08fa-fdcd-a1b3-fb247eb41d01",
			wantPages: 1},
		{name: "fixture, limit 1, every version", path: fixturePath, root: fixtureRoot, coll: fixtureColl,
			query: Query{Limit: 1, Versions: all},
			want:  []added{fMarking, fIdentity, fIPv4v1, fDomain, fURL, fSHA256, fIPv4v2}, wantPages: 7},
		{name: "fixture, server's page size", path: fixturePath, root: fixtureRoot, coll: fixtureColl, serverPage: 2,
			want: []added{fMarking, fIdentity, fDomain, fURL, fSHA256, fIPv4v2}, wantPages: 3},
		{name: "fixture, limit above the server's page size", path: fixturePath, root: fixtureRoot, coll: fixtureColl, serverPage: 4,
			query: Query{Limit: 50}, want: []added{fMarking, fIdentity, fDomain, fURL, fSHA256, fIPv4v2}, wantPages: 2},
		{name: "fixture, added after to the microsecond", path: fixturePath, root: fixtureRoot, coll: fixtureColl,
			query: Query{AddedAfter: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)}, want: []added{fIPv4v2}, wantPages: 1},
		{name: "fixture, added after the last object", path: fixturePath, root: fixtureRoot, coll: fixtureColl,
			query: Query{AddedAfter: time.Date(2026, 1, 10, 0, 0, 0, 1000, time.UTC)}, wantPages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openServer(t, tt.path)
			if tt.serverPage > 0 {
				s.SetMaxPageSize(tt.serverPage)
			}
			c, _ := serve(t, s)
			var got []added
			pages := 0
			err := c.Objects(context.Background(), tt.root, tt.coll, tt.query, func(p Page) error {
				pages++
				if tt.query.Limit > 0 && len(p.Objects) > tt.query.Limit {
					t.Errorf("page %d has %d objects, more than the limit %d", pages, len(p.Objects), tt.query.Limit)
				}
				for _, o := range p.Objects {
					got = append(got, added{key: objectKey(t, o)})
				}
				checkPageDates(t, p, tt.want, len(got))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if pages != tt.wantPages {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
			checkOnceInOrder(t, got, tt.want)
			checkSameFilters(t, s.Requests())
		})
	}
}

// checkPageDates compares a page's date-added headers with the expected objects; seen is
// how many objects have arrived, this page's included.
func checkPageDates(t *testing.T, p Page, want []added, seen int) {
	t.Helper()
	if len(p.Objects) == 0 {
		if !p.DateAddedFirst.IsZero() || !p.DateAddedLast.IsZero() {
			t.Errorf("an empty page has date-added headers %v, %v", p.DateAddedFirst, p.DateAddedLast)
		}
		return
	}
	first, last := seen-len(p.Objects), seen-1
	if last >= len(want) {
		return // checkOnceInOrder reports the surplus
	}
	if w := mustTime(t, want[first].at); !p.DateAddedFirst.Equal(w) {
		t.Errorf("X-TAXII-Date-Added-First = %v, want %v", p.DateAddedFirst, w)
	}
	if w := mustTime(t, want[last].at); !p.DateAddedLast.Equal(w) {
		t.Errorf("X-TAXII-Date-Added-Last = %v, want %v", p.DateAddedLast, w)
	}
}

// checkOnceInOrder checks that every wanted object version arrived exactly once, in order.
func checkOnceInOrder(t *testing.T, got, want []added) {
	t.Helper()
	count := map[string]int{}
	for _, g := range got {
		if count[g.key]++; count[g.key] == 2 {
			t.Errorf("%s arrived more than once", g.key)
		}
	}
	var gotKeys, wantKeys []string
	for _, g := range got {
		gotKeys = append(gotKeys, g.key)
	}
	for _, w := range want {
		wantKeys = append(wantKeys, w.key)
	}
	if !reflect.DeepEqual(gotKeys, wantKeys) {
		t.Errorf("objects arrived as\n  %s\nwant\n  %s", strings.Join(gotKeys, "\n  "), strings.Join(wantKeys, "\n  "))
	}
}

// checkSameFilters checks that follow-up page requests repeat the first one's filters.
func checkSameFilters(t *testing.T, requests []string) {
	t.Helper()
	var first url.Values
	for i, r := range requests {
		u, err := url.Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if i > 0 && q.Get("next") == "" {
			t.Errorf("request %d (%s) has no next token", i, r)
		}
		q.Del("next")
		if i == 0 {
			first = q
		} else if q.Encode() != first.Encode() {
			t.Errorf("request %d asks %q, the first asked %q", i, q.Encode(), first.Encode())
		}
	}
}

// TestObjectsResume stops a pull part way and resumes it from the last date added, as a
// scheduled pull does: together the two see every object once.
func TestObjectsResume(t *testing.T) {
	errStop := errors.New("stop")
	tests := []struct {
		name, path, root, coll string
		stopAfter              int // pages
		want                   []added
	}{
		{name: "medallion", path: medallionPath, root: medallionRoot, coll: medallionColl, stopAfter: 2,
			want: []added{mRelationship, mIndicatorCD, mMarking, mMalware21, mIndicator3}},
		{name: "fixture", path: fixturePath, root: fixtureRoot, coll: fixtureColl, stopAfter: 1,
			want: []added{fMarking, fIdentity, fDomain, fURL, fSHA256, fIPv4v2}},
		{name: "fixture, up to date", path: fixturePath, root: fixtureRoot, coll: fixtureColl, stopAfter: 3,
			want: []added{fMarking, fIdentity, fDomain, fURL, fSHA256, fIPv4v2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, openServer(t, tt.path))
			var got []added
			var last time.Time
			pages, stopAt := 0, tt.stopAfter
			collect := func(p Page) error {
				for _, o := range p.Objects {
					got = append(got, added{key: objectKey(t, o)})
				}
				if p.DateAddedLast.After(last) {
					last = p.DateAddedLast
				}
				if pages++; pages == stopAt {
					return errStop
				}
				return nil
			}
			err := c.Objects(context.Background(), tt.root, tt.coll, Query{Limit: 2}, collect)
			if !errors.Is(err, errStop) {
				t.Fatalf("first pull: %v, want the callback's error", err)
			}
			if last.IsZero() {
				t.Fatal("first pull saw no X-TAXII-Date-Added-Last")
			}
			stopAt = -1
			if err := c.Objects(context.Background(), tt.root, tt.coll, Query{Limit: 2, AddedAfter: last}, collect); err != nil {
				t.Fatalf("resumed pull: %v", err)
			}
			checkOnceInOrder(t, got, tt.want)
			if want := mustTime(t, tt.want[len(tt.want)-1].at); !last.Equal(want) {
				t.Errorf("last date added = %v, want %v", last, want)
			}
		})
	}
}

// TestObjectsWithoutNext pages through a server that says "more" but sends no next token,
// which TAXII 2.1 allows: the client goes on from X-TAXII-Date-Added-Last.
func TestObjectsWithoutNext(t *testing.T) {
	objects := []struct{ at, obj string }{
		{"2026-02-01T00:00:00Z", `{"type":"indicator","id":"indicator--a"}`},
		{"2026-02-02T00:00:00Z", `{"type":"indicator","id":"indicator--b"}`},
		{"2026-02-03T00:00:00Z", `{"type":"indicator","id":"indicator--c"}`},
	}
	var (
		mu      sync.Mutex
		queries []string
	)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		after, _ := time.Parse(time.RFC3339, r.URL.Query().Get("added_after"))
		for i, o := range objects {
			if at, _ := time.Parse(time.RFC3339, o.at); at.After(after) {
				w.Header().Set("Content-Type", MediaType)
				w.Header().Set("X-TAXII-Date-Added-First", o.at)
				w.Header().Set("X-TAXII-Date-Added-Last", o.at)
				_, _ = io.WriteString(w, `{"more":`+boolJSON(i < len(objects)-1)+`,"objects":[`+o.obj+`]}`)
				return
			}
		}
		w.Header().Set("Content-Type", MediaType)
		_, _ = io.WriteString(w, `{}`)
	})
	c, _ := serve(t, h)
	var ids []string
	err := c.Objects(context.Background(), "/api/", "c", Query{}, func(p Page) error {
		for _, o := range p.Objects {
			var v struct{ ID string }
			_ = json.Unmarshal(o, &v)
			ids = append(ids, v.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"indicator--a", "indicator--b", "indicator--c"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("got %q, want %q", ids, want)
	}
	mu.Lock()
	defer mu.Unlock()
	wantQ := []string{"", "added_after=2026-02-01T00%3A00%3A00Z", "added_after=2026-02-02T00%3A00%3A00Z"}
	if !reflect.DeepEqual(queries, wantQ) {
		t.Errorf("queries %q, want %q", queries, wantQ)
	}
}

func boolJSON(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestQueryValues(t *testing.T) {
	tests := []struct {
		name  string
		query Query
		want  string
	}{
		{name: "zero", want: ""},
		{name: "added after in UTC", query: Query{AddedAfter: time.Date(2026, 1, 2, 4, 4, 5, 600_000_000, time.FixedZone("CET", 3600))},
			want: "added_after=2026-01-02T03%3A04%3A05.6Z"},
		{name: "added after to the microsecond", query: Query{AddedAfter: time.Date(2016, 11, 3, 12, 30, 59, 1000, time.UTC)},
			want: "added_after=2016-11-03T12%3A30%3A59.000001Z"},
		{name: "limit", query: Query{Limit: 100}, want: "limit=100"},
		{name: "matches", query: Query{Types: []string{"indicator", "malware"}, IDs: []string{"indicator--a"},
			SpecVersions: []string{"2.1"}, Versions: []string{"all"}},
			want: "match%5Bid%5D=indicator--a&match%5Bspec_version%5D=2.1&match%5Btype%5D=indicator%2Cmalware&match%5Bversion%5D=all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.query.values().Encode(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPageReader(t *testing.T) {
	tests := []struct {
		name    string
		objects []string
		want    string
	}{
		{name: "no objects", want: `[]`},
		{name: "one object", objects: []string{`{"type":"indicator"}`}, want: `[{"type":"indicator"}]`},
		{name: "three objects", objects: []string{`{"a":1}`, `{"b":[2]}`, `{"c":{"d":"]"}}`},
			want: `[{"a":1},{"b":[2]},{"c":{"d":"]"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Page
			for _, o := range tt.objects {
				p.Objects = append(p.Objects, json.RawMessage(o))
			}
			b, err := io.ReadAll(p.Reader())
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want || !json.Valid(b) {
				t.Errorf("Reader() gave %s, want %s", b, tt.want)
			}
		})
	}
}
