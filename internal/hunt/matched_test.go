package hunt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// TestMatchedNamesPublishers: a sighting names who published the indicator inside the
// data apart from the feeds that list it, each once, and not a source that published
// its own intel; with no such publisher the output has no publishers key.
func TestMatchedNamesPublishers(t *testing.T) {
	tests := []struct {
		name    string
		sources []vigil.Provenance
		want    string // the publishers as the output writes them; "" for none
	}{
		{"a partner's publisher, once", []vigil.Provenance{{Source: "partner-stix", Publisher: "Partner CERT"},
			{Source: "partner-misp", Publisher: "Partner CERT"}, {Source: "abuse.ch"}}, `"publishers":["Partner CERT"]`},
		{"a source that published its own", []vigil.Provenance{{Source: "abuse.ch", Publisher: "abuse.ch"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(matchedOf(match.Entry{Type: vigil.TypeDomain, Value: "a.example", Sources: tt.sources}))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); (tt.want == "" && strings.Contains(got, "publishers")) || !strings.Contains(got, tt.want) {
				t.Errorf("sighting %s, want %q", got, tt.want)
			}
		})
	}
}

// TestHuntRealIntelPublishers hunts for indicators of real intel files, loaded the way
// `vigil hunt --iocs` loads them: each sighting names the files that list the indicator
// as its sources and, apart, who published it inside the data (the STIX identity, the
// MISP event's creator), as the server names the feed and the publisher. TweetFeed
// publishes the same values as a STIX bundle and as a MISP feed: one publisher, named
// once, for two sources.
func TestHuntRealIntelPublishers(t *testing.T) {
	dir := shareddata.Dir(t, "intel")
	files := []string{
		filepath.Join(dir, "stix", "tweetfeed", "today.json"),
		filepath.Join(dir, "misp", "tweetfeed-misp-feed"),
		filepath.Join(dir, "misp", "pymisp-tests", "reportlab_testfiles_to_delete2.json"),
	}
	publisher := map[string]string{"today": "TweetFeed", "tweetfeed-misp-feed": "TweetFeed", "reportlab_testfiles_to_delete2": "CIRCL"}
	b := match.NewBuilder()
	first := map[string]string{}    // source → its first domain or address
	listed := map[string][]string{} // value → the sources that list it
	_, err := intel.Load(files, intel.Options{IncludeExpired: true}, func(ind vigil.Indicator) {
		b.Add(ind)
		src := ind.Provenance.Source
		if _, ok := first[src]; !ok && (ind.Type == vigil.TypeDomain || ind.Type == vigil.TypeIPv4) {
			first[src] = ind.Value
		}
		if !slices.Contains(listed[ind.Value], src) {
			listed[ind.Value] = append(listed[ind.Value], src)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(first)); !slices.Equal(got, slices.Sorted(maps.Keys(publisher))) {
		t.Fatalf("sources %q, want one per file: %q", got, slices.Sorted(maps.Keys(publisher)))
	}
	if n := len(listed[first["today"]]); n != 2 {
		t.Fatalf("%s is listed by %d sources, want TweetFeed's two", first["today"], n)
	}
	got := huntValues(t, slices.Collect(maps.Values(first)), b.Build())
	for src, v := range first {
		s, ok := got[v]
		if !ok {
			t.Errorf("%s (from %s) was not sighted", v, src)
			continue
		}
		var pubs []string
		for _, l := range listed[v] {
			if !slices.Contains(pubs, publisher[l]) {
				pubs = append(pubs, publisher[l])
			}
		}
		if !sameSet(s.Sources, listed[v]) || !sameSet(s.Publishers, pubs) {
			t.Errorf("sighting of %s: sources %q publishers %q, want %q and %q", v, s.Sources, s.Publishers, listed[v], pubs)
		}
	}
}

// huntValues hunts one DNS query line per value and returns the sightings by indicator.
func huntValues(t *testing.T, values []string, snap *match.Snapshot) map[string]Sighting {
	t.Helper()
	var logs strings.Builder
	for _, v := range values {
		fmt.Fprintf(&logs, "{\"query\":%q}\n", v)
	}
	in := Input{Name: "dns.ndjson", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(logs.String())), nil }}
	var out bytes.Buffer
	if _, err := Run(context.Background(), snap, []Input{in}, &out, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	got := map[string]Sighting{}
	for _, s := range decodeSightings(t, &out) {
		got[s.Indicator] = s
	}
	return got
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
