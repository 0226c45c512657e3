package feeds

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// BenchmarkFetchURL pulls a real 147,665-line list (FireHOL abusers, 30 days) over HTTP
// on 127.0.0.1 and parses it: the cost of one full pull of a large list feed.
func BenchmarkFetchURL(b *testing.B) {
	dir := "../../../shared/data/intel/lists/firehol-blocklist-ipsets"
	if _, err := os.Stat(filepath.Join(dir, "firehol_abusers_30d.netset")); err != nil {
		b.Skipf("shared test data not found at %s; skipping", dir)
	}
	ts := start(b, http.FileServer(http.Dir(dir)))
	benchFetch(b, NewClient(ts.Client(), loopback), urlFeed(ts.URL+"/firehol_abusers_30d.netset"))
}

// BenchmarkFetchMISPFeed pulls TweetFeed's real MISP feed (31 events, 12,092 attributes)
// from scratch: one manifest and 31 event requests.
func BenchmarkFetchMISPFeed(b *testing.B) {
	if _, err := os.Stat(tweetfeedDir); err != nil {
		b.Skipf("shared test data not found at %s; skipping", tweetfeedDir)
	}
	ts := start(b, http.FileServer(http.Dir(tweetfeedDir)))
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
