package pages_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// BenchmarkHeaviestPages measures the server time and weight of the heaviest pages over
// the demo data: the largest pages the analyst and the care-home manager reach from "/",
// found by the same crawl as the hostile-text test, so that pages added later are
// measured as they land. Each reports its HTML's bytes and their gzipped size (what a
// compressing proxy would send); the shared CSS and JavaScript are cached for a day.
// bench/pages.sh measures the same over 10,000 organisations and 1,000,000 alerts.
//
//	go test ./internal/pages -run '^$' -bench HeaviestPages
func BenchmarkHeaviestPages(b *testing.B) {
	s := demoSite(b)
	for _, who := range []string{analyst, careManager} {
		br := s.signIn(who)
		pages := br.crawl(crawlLimit, perShape)
		sort.SliceStable(pages, func(i, j int) bool { return len(pages[i].body) > len(pages[j].body) })
		for _, p := range pages[:min(len(pages), 4)] {
			if p.status != http.StatusOK {
				continue
			}
			b.Run(strings.SplitN(who, "@", 2)[0]+":"+benchName(p.path), func(b *testing.B) {
				var body []byte
				for b.Loop() {
					body = fetchPage(b, br.client, s.url+p.path)
				}
				b.ReportMetric(float64(len(body)), "html-bytes")
				b.ReportMetric(float64(gzipped(body)), "gzip-bytes")
			})
		}
	}
}

// benchName is a page's address as a sub-benchmark name (which may not hold slashes).
func benchName(path string) string {
	if path == "/" {
		return "home"
	}
	return strings.ReplaceAll(strings.TrimPrefix(path, "/"), "/", ".")
}

// fetchPage gets a page as a browser would, failing b unless it is 200.
func fetchPage(b *testing.B, c *http.Client, url string) []byte {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return body
}

func gzipped(body []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return buf.Len()
}
