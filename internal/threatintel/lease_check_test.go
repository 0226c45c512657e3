package threatintel_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// A feed check answers within its own bound, well inside a reverse proxy's 60 s, with
// words saying what to do: a source that never answers, and one that answers but keeps
// sending (never stalling long enough for a pull's limit), fail the check at the bound;
// a source that answers at once still passes.
func TestFeedCheckHasItsOwnBound(t *testing.T) {
	const bound = 300 * time.Millisecond
	mux := http.NewServeMux()
	mux.HandleFunc("/silent.txt", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/trickle.txt", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; r.Context().Err() == nil; i++ {
			fmt.Fprintf(w, "192.0.2.%d\n", i%250)
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	})
	mux.HandleFunc("/quick.txt", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("192.0.2.7\n")) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := threatintel.New(threatintel.Deps{Store: storetest.Open(t), AllowPrivate: loopback})
	threatintel.SetCheckTimeout(c, bound)
	tests := []struct {
		name string
		path string
		ok   bool
		want string
	}{
		{"source that never answers", "/silent.txt", false, "did not answer in full within 300ms, the longest a check waits"},
		{"source that keeps sending", "/trickle.txt", false, "save the feed and pull it"},
		{"source that answers at once", "/quick.txt", true, "a pull would import 1 indicators"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := c.CheckFeed(t.Context(), analyst, vigil.Feed{Kind: vigil.FeedURL, URL: srv.URL + tt.path})
			took := time.Since(start)
			if err != nil || got.OK != tt.ok || !strings.Contains(got.Message, tt.want) {
				t.Errorf("check = ok %v, %q (%v); want ok %v and a message containing %q", got.OK, got.Message, err, tt.ok, tt.want)
			}
			if took > 10*bound {
				t.Errorf("the check took %s with a bound of %s", took, bound)
			}
		})
	}
}
