package feeds

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
)

// The fixture: a partner CERT's collection with one identity and four indicators, added
// one a day from 2026-02-01.
const (
	taxiiFixture    = "testdata/taxii.json"
	taxiiCollection = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
	taxiiLastAdded  = "2026-02-05T16:45:00.5Z"
)

func taxiiServer(t *testing.T) (*taxiitest.Server, vigil.Feed, func() []string) {
	t.Helper()
	s, err := taxiitest.Open(taxiiFixture)
	if err != nil {
		t.Fatal(err)
	}
	ts := start(t, s)
	seen := 0
	requests := func() []string { // the requests since the last call
		all := s.Requests()
		r := all[seen:]
		seen = len(all)
		return r
	}
	return s, vigil.Feed{Name: "partner-cert", Kind: vigil.FeedTAXII, URL: ts.URL + "/health/", Collection: taxiiCollection}, requests
}

func TestFetchTAXII(t *testing.T) {
	tests := []struct {
		name         string
		pageSize     int
		addedAfter   string
		wantValues   []string
		wantRequests int
		wantAfter    string // the added_after the first request carries; "" for none
	}{
		{name: "the whole collection in pages of two", pageSize: 2,
			wantValues: []string{"ipv4:198.51.100.23", "domain:nhsmail-login.example",
				"sha256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", "url:https://care-portal.example/login"},
			wantRequests: 3},
		{name: "only what was added after the last pull", pageSize: 2, addedAfter: "2026-02-03T11:30:00.5Z",
			wantValues:   []string{"sha256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", "url:https://care-portal.example/login"},
			wantRequests: 1, wantAfter: "2026-02-03T11:30:00.5Z"},
		{name: "nothing new", addedAfter: taxiiLastAdded,
			wantRequests: 1, wantAfter: taxiiLastAdded},
		{name: "an unreadable high-water mark starts from the beginning", pageSize: 10, addedAfter: "yesterday",
			wantValues: []string{"ipv4:198.51.100.23", "domain:nhsmail-login.example",
				"sha256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", "url:https://care-portal.example/login"},
			wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, f, requests := taxiiServer(t)
			if tt.pageSize > 0 {
				s.SetMaxPageSize(tt.pageSize)
			}
			emit, got := collect()
			res, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{AddedAfter: tt.addedAfter}, emit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(values(*got), tt.wantValues) {
				t.Errorf("emitted %q, want %q", values(*got), tt.wantValues)
			}
			if res.Complete || res.State.AddedAfter != taxiiLastAdded {
				t.Errorf("Complete=%v, AddedAfter %q; want a delta and %q", res.Complete, res.State.AddedAfter, taxiiLastAdded)
			}
			reqs := requests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("%d requests %q, want %d", len(reqs), reqs, tt.wantRequests)
			}
			u, _ := url.Parse(reqs[0])
			if got := u.Query().Get("added_after"); got != tt.wantAfter {
				t.Errorf("first request's added_after %q, want %q", got, tt.wantAfter)
			}
			for _, i := range *got {
				if i.Provenance.Source != "partner-cert" {
					t.Errorf("%s credited to %q, want the feed, whatever page named its creator", i.Value, i.Provenance.Source)
				}
			}
		})
	}
}

// TestFetchTAXIISecondPull pulls twice: the second pull asks only for what was added
// after the first one's high-water mark.
func TestFetchTAXIISecondPull(t *testing.T) {
	_, f, requests := taxiiServer(t)
	first, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, State{}, func(vigil.Indicator) {})
	if err != nil {
		t.Fatal(err)
	}
	requests()
	second, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, first.State, func(i vigil.Indicator) { t.Errorf("second pull emitted %s again", i.Value) })
	if err != nil {
		t.Fatal(err)
	}
	reqs := requests()
	if len(reqs) != 1 || !strings.Contains(reqs[0], "added_after=2026-02-05T16%3A45%3A00.5Z") {
		t.Errorf("second pull requested %q, want one request with added_after=%s", reqs, taxiiLastAdded)
	}
	if second.State.AddedAfter != taxiiLastAdded {
		t.Errorf("second pull kept AddedAfter %q, want %q", second.State.AddedAfter, taxiiLastAdded)
	}
}

func TestFetchTAXIICredentialsAndFailures(t *testing.T) {
	tests := []struct {
		name    string
		server  func(*taxiitest.Server)
		feed    func(*vigil.Feed)
		wantErr string
	}{
		{name: "basic auth accepted", server: func(s *taxiitest.Server) { s.RequireBasicAuth("nhs-soc", "s3cret") },
			feed: func(f *vigil.Feed) { f.Username, f.Password = "nhs-soc", "s3cret" }},
		{name: "bearer token accepted", server: func(s *taxiitest.Server) { s.RequireHeader("Authorization", "Bearer tok-123") },
			feed: func(f *vigil.Feed) { f.Token = "tok-123" }},
		{name: "credentials missing", server: func(s *taxiitest.Server) { s.RequireBasicAuth("nhs-soc", "s3cret") },
			wantErr: "the TAXII server refused our credentials"},
		{name: "server busy", server: func(s *taxiitest.Server) { s.Fail(taxiitest.Failure{Status: 503}) },
			wantErr: `pull TAXII collection "` + taxiiCollection + `": taxii: GET `},
		{name: "no such collection", feed: func(f *vigil.Feed) { f.Collection = "0000" },
			wantErr: "no such API root or collection"},
		{name: "no collection given", feed: func(f *vigil.Feed) { f.Collection = "" },
			wantErr: "a TAXII feed needs the id of the collection to read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, f, _ := taxiiServer(t)
			if tt.server != nil {
				tt.server(s)
			}
			if tt.feed != nil {
				tt.feed(&f)
			}
			prev := State{AddedAfter: "2026-01-01T00:00:00Z"}
			n := 0
			res, err := Fetch(context.Background(), NewClient(nil, loopback), f, intel.Options{}, prev, func(vigil.Indicator) { n++ })
			if tt.wantErr == "" {
				if err != nil || n != 4 {
					t.Fatalf("error %v after %d indicators, want the 4 indicators", err, n)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if res.State.AddedAfter != prev.AddedAfter {
				t.Errorf("failed pull moved AddedAfter to %q", res.State.AddedAfter)
			}
		})
	}
}
