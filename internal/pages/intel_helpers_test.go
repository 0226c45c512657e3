package pages_test

import (
	"encoding/csv"
	"html/template"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
)

// reader is the principal the tests read the use cases with, to know what a page should
// show: the command line acts as a sector admin and its reads are not audited.
var reader = vigil.CommandLine

// escaped is s as html/template writes it in a page's text, so that tests look for
// values from feeds the way they appear.
func escaped(t testing.TB, s string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// csvRows parses a CSV download: its header and rows.
func csvRows(t testing.TB, p page) (header []string, rows [][]string) {
	t.Helper()
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV download: %d %s\n%s", p.status, p.header.Get("Content-Type"), p.body)
	}
	all, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(all) == 0 {
		t.Fatalf("CSV download does not parse: %v\n%s", err, p.body)
	}
	return all[0], all[1:]
}

// column returns the values of the named column.
func column(t testing.TB, header []string, rows [][]string, name string) []string {
	t.Helper()
	i := -1
	for j, h := range header {
		if h == name {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("CSV has no column %q: %v", name, header)
	}
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = r[i]
	}
	return out
}

// regexpFind returns the first submatch of pattern in the page, failing the test when
// there is none.
func regexpFind(t testing.TB, p page, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the page has nothing like %s\n%s", pattern, p.body)
	}
	return m[1]
}

// listServer serves a plain list of indicators and records the credentials each pull
// brought, as a feed's source would see them.
type listServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "user:password token" of each request
	list string
}

func newListServer(t testing.TB, list string) *listServer {
	ls := &listServer{list: list}
	ls.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, pw, _ := r.BasicAuth()
		ls.mu.Lock()
		ls.seen = append(ls.seen, u+":"+pw+" "+r.Header.Get("Authorization")+" "+r.URL.RawQuery)
		ls.mu.Unlock()
		_, _ = w.Write([]byte(ls.list))
	}))
	t.Cleanup(ls.Close)
	return ls
}

// requests returns what each request to the server carried.
func (ls *listServer) requests() []string {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([]string(nil), ls.seen...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
