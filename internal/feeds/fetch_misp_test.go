package feeds

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// tweetfeedDir is TweetFeed's real MISP feed (31 daily events) under the shared test data.
// Without it the test is skipped, except under CI where it must be there.
const tweetfeedDir = "intel/misp/tweetfeed-misp-feed"

// copyFeed copies the real feed into a temporary directory the test may change.
func copyFeed(t *testing.T) string {
	t.Helper()
	src := shareddata.Dir(t, tweetfeedDir)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dir
}

// recorder serves h and remembers the path of every request.
type recorder struct {
	h     http.Handler
	mu    sync.Mutex
	paths []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.Path)
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

// take returns the paths requested since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.paths
	r.paths = nil
	return p
}

func serveFeed(t *testing.T, dir string) (*recorder, vigil.Feed, *http.Client) {
	t.Helper()
	rec := &recorder{h: http.StripPrefix("/feeds/tweetfeed", http.FileServer(http.Dir(dir)))}
	ts := start(t, rec)
	f := vigil.Feed{Name: "tweetfeed", Kind: vigil.FeedMISPFeed, URL: ts.URL + "/feeds/tweetfeed/"}
	return rec, f, NewClient(ts.Client(), loopback)
}

// manifest reads and rewrites the feed's manifest.json.
func readManifest(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeManifest(t *testing.T, dir string, m map[string]map[string]any, modified time.Time) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "manifest.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// Last-Modified has one-second resolution: move it on so the change is seen.
	if err := os.Chtimes(path, modified, modified); err != nil {
		t.Fatal(err)
	}
}

// TestFetchMISPFeed pulls a real MISP feed three times: all of it, then nothing (the
// manifest is unchanged), then only the one event whose timestamp moved.
func TestFetchMISPFeed(t *testing.T) {
	dir := copyFeed(t)
	rec, f, client := serveFeed(t, dir)

	// What the local directory loader reads from the same feed is what a pull must emit.
	want, err := intel.Load([]string{dir}, intel.Options{}, func(vigil.Indicator) {})
	if err != nil {
		t.Fatal(err)
	}
	if want.Total < 10000 {
		t.Fatalf("the directory loader read only %d indicators from the feed; is the data complete?", want.Total)
	}
	m := readManifest(t, dir)

	n := 0
	first, err := Fetch(context.Background(), client, f, intel.Options{}, State{}, func(vigil.Indicator) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	if first.Complete || first.NotModified {
		t.Errorf("Complete=%v NotModified=%v, want a delta pull", first.Complete, first.NotModified)
	}
	if n != want.Total || first.Report.Total != want.Total || first.Report.Failed != 0 {
		t.Errorf("emitted %d (report: %d, %d failed), want the %d indicators the directory loader reads",
			n, first.Report.Total, first.Report.Failed, want.Total)
	}
	if got := rec.take(); len(got) != 1+len(m) {
		t.Errorf("%d requests, want the manifest and %d events", len(got), len(m))
	}
	for id, e := range m {
		if ts, _ := strconv.ParseInt(e["timestamp"].(string), 10, 64); first.State.Events[id] != ts {
			t.Errorf("state for event %s: %d, want the manifest's timestamp %d", id, first.State.Events[id], ts)
		}
	}

	second, err := Fetch(context.Background(), client, f, intel.Options{}, first.State, func(vigil.Indicator) { t.Error("unchanged feed emitted an indicator") })
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); !second.NotModified || len(got) != 1 {
		t.Errorf("unchanged feed: NotModified=%v after requests %q, want one conditional request for the manifest", second.NotModified, got)
	}

	changed := slices.Sorted(maps.Keys(m))[7]
	ts, _ := strconv.ParseInt(m[changed]["timestamp"].(string), 10, 64)
	m[changed]["timestamp"] = strconv.FormatInt(ts+3600, 10)
	writeManifest(t, dir, m, time.Now().Add(time.Hour))

	n = 0
	third, err := Fetch(context.Background(), client, f, intel.Options{}, second.State, func(vigil.Indicator) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	wantPaths := []string{"/feeds/tweetfeed/manifest.json", "/feeds/tweetfeed/" + changed + ".json"}
	if got := rec.take(); !slices.Equal(got, wantPaths) {
		t.Errorf("requests %q, want only %q", got, wantPaths)
	}
	if n == 0 || third.State.Events[changed] != ts+3600 || len(third.State.Events) != len(m) {
		t.Errorf("emitted %d, state for the changed event %d of %d events; want its indicators and timestamp %d",
			n, third.State.Events[changed], len(third.State.Events), ts+3600)
	}
}

// TestFetchMISPFeedBrokenEvent checks that one broken event is reported, does not stop
// the others, and is fetched again on the next pull.
func TestFetchMISPFeedBrokenEvent(t *testing.T) {
	dir := copyFeed(t)
	rec, f, client := serveFeed(t, dir)
	ids := slices.Sorted(maps.Keys(readManifest(t, dir)))
	broken, missing := ids[3], ids[11]
	path := filepath.Join(dir, broken+".json")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, missing+".json"), filepath.Join(dir, missing+".gone")); err != nil {
		t.Fatal(err)
	}

	res, err := Fetch(context.Background(), client, f, intel.Options{}, State{}, func(vigil.Indicator) {})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Failed != 2 || res.Report.Total == 0 {
		t.Errorf("report: %d failed, %d indicators; want the two bad events failed and the rest read", res.Report.Failed, res.Report.Total)
	}
	refs := map[string]string{}
	for _, p := range res.Report.Problems {
		if p.Kind == intel.ProblemFailed {
			refs[p.Ref] = p.Reason
		}
	}
	if !strings.Contains(refs[missing], "404 Not Found") || !strings.Contains(refs[broken], "parse ") {
		t.Errorf("failed events reported as %q; want %s as 404 and %s as a parse error", refs, missing, broken)
	}
	_, hasBroken := res.State.Events[broken]
	_, hasMissing := res.State.Events[missing]
	if hasBroken || hasMissing || len(res.State.Events) != len(ids)-2 || res.State.LastModified != "" {
		t.Errorf("state: %d events (broken kept: %v, missing kept: %v), Last-Modified %q; want the bad events left out and no validators",
			len(res.State.Events), hasBroken, hasMissing, res.State.LastModified)
	}
	rec.take()

	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Fetch(context.Background(), client, f, intel.Options{}, res.State, func(vigil.Indicator) {})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/feeds/tweetfeed/manifest.json", "/feeds/tweetfeed/" + broken + ".json", "/feeds/tweetfeed/" + missing + ".json"}
	slices.Sort(want[1:])
	if got := rec.take(); !slices.Equal(got, want) {
		t.Errorf("next pull requested %q, want the manifest and the two events that failed: %q", got, want)
	}
	if again.Report.Failed != 1 || len(again.State.Events) != len(ids)-1 {
		t.Errorf("next pull: %d failed, %d events in state; want the repaired event read and the missing one still failing",
			again.Report.Failed, len(again.State.Events))
	}
}

// memFeed serves a MISP feed held in memory: path → body; absent paths answer 404.
func memFeed(t *testing.T, files map[string]string) (*recorder, vigil.Feed, *http.Client) {
	t.Helper()
	rec := &recorder{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[strings.TrimPrefix(r.URL.Path, "/feed/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	})}
	ts := start(t, rec)
	return rec, vigil.Feed{Name: "partner-misp", Kind: vigil.FeedMISPFeed, URL: ts.URL + "/feed"}, NewClient(ts.Client(), loopback)
}

const (
	eventA = "5f2b1c3e-0d4a-4b6e-9c7f-1a2b3c4d5e6f"
	eventB = "6a7b8c9d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"
)

func mispEvent(uuid, value string) string {
	return `{"Event":{"uuid":"` + uuid + `","info":"Phishing against GP practices","Orgc":{"name":"Partner CERT"},` +
		`"Attribute":[{"type":"domain","to_ids":true,"value":"` + value + `"}]}}`
}

func TestFetchMISPManifests(t *testing.T) {
	tests := []struct {
		name      string
		files     map[string]string
		prev      map[string]int64
		wantPaths []string
		wantErr   string
		wantState map[string]int64
		wantFail  int
	}{
		{name: "number and string timestamps",
			files: map[string]string{
				"manifest.json":  `{"` + eventA + `":{"timestamp":1784846040},"` + eventB + `":{"timestamp":"1784846041"}}`,
				eventA + ".json": mispEvent(eventA, "gp-login.example"), eventB + ".json": mispEvent(eventB, "nhs-mail.example")},
			wantPaths: []string{"/feed/manifest.json", "/feed/" + eventA + ".json", "/feed/" + eventB + ".json"},
			wantState: map[string]int64{eventA: 1784846040, eventB: 1784846041}},
		{name: "an event without a timestamp is fetched every time",
			files: map[string]string{
				"manifest.json":  `{"` + eventA + `":{"info":"no time"},"` + eventB + `":{"timestamp":"5"}}`,
				eventA + ".json": mispEvent(eventA, "gp-login.example")},
			prev:      map[string]int64{eventA: 0, eventB: 5},
			wantPaths: []string{"/feed/manifest.json", "/feed/" + eventA + ".json"},
			wantState: map[string]int64{eventA: 0, eventB: 5}},
		{name: "an event whose id is a path is not fetched",
			files: map[string]string{
				"manifest.json":  `{"../../admin/secrets":{"timestamp":"9"},"` + eventA + `":{"timestamp":"9"}}`,
				eventA + ".json": mispEvent(eventA, "gp-login.example")},
			wantPaths: []string{"/feed/manifest.json", "/feed/" + eventA + ".json"},
			wantState: map[string]int64{eventA: 9}, wantFail: 1},
		{name: "an event removed from the manifest is forgotten",
			files: map[string]string{
				"manifest.json": `{"` + eventA + `":{"timestamp":"9"}}`},
			prev:      map[string]int64{eventA: 9, eventB: 9},
			wantPaths: []string{"/feed/manifest.json"},
			wantState: map[string]int64{eventA: 9}},
		{name: "no changed event could be read",
			files: map[string]string{
				"manifest.json":  `{"` + eventA + `":{"timestamp":"9"}}`,
				eventA + ".json": `{"Event":{"uuid":"` + eventA + `","Attribute":[{"type":"domain"`},
			wantPaths: []string{"/feed/manifest.json", "/feed/" + eventA + ".json"},
			wantErr:   "none of the 1 new or changed events could be read; first: parse "},
		{name: "no manifest",
			files:     map[string]string{},
			wantPaths: []string{"/feed/manifest.json"},
			wantErr:   "/feed/manifest.json: 404 Not Found (check the feed's URL)"},
		{name: "a manifest that is not a MISP manifest",
			files:     map[string]string{"manifest.json": `["not", "a", "manifest"]`},
			wantPaths: []string{"/feed/manifest.json"},
			wantErr:   "the MISP feed manifest cannot be read: it is not a JSON object mapping event UUIDs to event summaries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, f, client := memFeed(t, tt.files)
			prev := State{Events: tt.prev}
			res, err := Fetch(context.Background(), client, f, intel.Options{}, prev, func(i vigil.Indicator) {
				if i.Provenance.Source != "partner-misp" {
					t.Errorf("%s credited to %q, want the feed rather than the event's Orgc", i.Value, i.Provenance.Source)
				}
			})
			if got := rec.take(); !slices.Equal(got, tt.wantPaths) {
				t.Errorf("requested %q, want %q", got, tt.wantPaths)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(res.State.Events, tt.wantState) || res.Report.Failed != tt.wantFail {
				t.Errorf("state %v with %d failed, want %v with %d failed", res.State.Events, res.Report.Failed, tt.wantState, tt.wantFail)
			}
		})
	}
}
