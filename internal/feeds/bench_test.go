package feeds

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// BenchmarkFetchURL pulls a real 147,665-line list (FireHOL abusers, 30 days) over HTTP
// on 127.0.0.1 and parses it: the cost of one full pull of a large list feed.
func BenchmarkFetchURL(b *testing.B) {
	list, err := shareddata.Find("intel", "lists", "firehol-blocklist-ipsets", "firehol_abusers_30d.netset")
	if err != nil {
		b.Skip(err)
	}
	ts := start(b, http.FileServer(http.Dir(filepath.Dir(list))))
	benchFetch(b, NewClient(ts.Client(), loopback), urlFeed(ts.URL+"/firehol_abusers_30d.netset"))
}

// BenchmarkFetchMISPFeed pulls TweetFeed's real MISP feed (31 events, 12,092 attributes)
// from scratch: one manifest and 31 event requests.
func BenchmarkFetchMISPFeed(b *testing.B) {
	dir, err := shareddata.Find(tweetfeedDir)
	if err != nil {
		b.Skip(err)
	}
	ts := start(b, http.FileServer(http.Dir(dir)))
	benchFetch(b, NewClient(ts.Client(), loopback), vigil.Feed{Name: "tweetfeed", Kind: vigil.FeedMISPFeed, URL: ts.URL})
}

// benchFetch pulls f from scratch in a loop and reports indicators per second.
func benchFetch(b *testing.B, client *http.Client, f vigil.Feed) {
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if _, err := Fetch(context.Background(), client, f, intel.Options{}, State{}, func(vigil.Indicator) { n++ }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "indicators/s")
}
