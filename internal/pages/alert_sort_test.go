package pages_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestAlertListSorts: an analyst sorts the alert list by a column's header, which says
// which column the list is sorted by and keeps the filters; the CSV and the next page
// follow the same order; a made-up order is refused in words.
func TestAlertListSorts(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)

	p := b.get("/alerts?status=open")
	if !p.has(`<th scope="col" class="nhsuk-table__header" aria-sort="descending"><a href="/alerts?sort=oldest&amp;status=open">Raised<span class="vigil-sort" aria-hidden="true"> ▼</span></a></th>`,
		`<a href="/alerts?sort=severity&amp;status=open">Severity</a>`, `<a href="/alerts?sort=org&amp;status=open">Organisation</a>`,
		`<a href="/alerts?sort=last_seen&amp;status=open">Last seen</a>`) {
		t.Fatalf("unsorted list: want the raised column marked (newest first) and every header a link keeping the filter\n%s", p.body)
	}
	if strings.Count(p.body, "aria-sort=") != 1 {
		t.Errorf("want aria-sort on exactly one header\n%s", p.body)
	}

	p = b.get("/alerts?status=open&sort=severity&limit=2")
	if !p.has(`aria-sort="descending"><a href="/alerts?limit=2&amp;sort=severity&amp;status=open">Severity<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`, `sort=severity`, "Next page") {
		t.Fatalf("sorted by severity: want its header marked and the next page in the same order\n%s", p.body)
	}
	if m := regexp.MustCompile(`href="([^"]*cursor=[^"]*)">Next page`).FindStringSubmatch(p.body); m == nil || !strings.Contains(m[1], "sort=severity") {
		t.Errorf("next page %q leaves the order", m)
	}

	p = b.get("/alerts?sort=newest")
	if !p.has(`aria-sort="descending"><a href="/alerts?sort=oldest">Raised<span class="vigil-sort" aria-hidden="true"> ▼</span></a>`) {
		t.Errorf("sorted newest first: want the raised header marked and turning the order round\n%s", p.body)
	}
	if p = b.get("/alerts?sort=oldest"); !p.has(`aria-sort="ascending"><a href="/alerts">Raised<span class="vigil-sort" aria-hidden="true"> ▲</span></a>`) {
		t.Errorf("sorted oldest first: want the raised header marked ascending\n%s", p.body)
	}

	for _, tc := range []struct {
		sort, column string
		ordered      func(a, b string) bool
	}{
		{"severity", "severity", func(a, b string) bool { return vigil.Severity(a).Rank() >= vigil.Severity(b).Rank() }},
		{"org", "organisation", func(a, b string) bool { return a <= b }},
		{"last_seen", "last_seen", func(a, b string) bool { return a >= b }},
	} {
		col := csvColumn(t, b.get("/alerts?format=csv&limit=200&sort="+tc.sort), tc.column)
		if len(slices.Compact(slices.Sorted(slices.Values(col)))) < 2 {
			t.Fatalf("CSV by %s: want rows that differ in %s, got %v", tc.sort, tc.column, col)
		}
		for i := 1; i < len(col); i++ {
			if !tc.ordered(col[i-1], col[i]) {
				t.Errorf("CSV by %s: row %d (%s) comes after %s", tc.sort, i+1, col[i], col[i-1])
			}
		}
	}

	if p = b.get("/alerts?sort=colour"); p.status != http.StatusUnprocessableEntity || !p.has("is not one of newest, last_seen, oldest, severity, org") {
		t.Errorf("sort=colour: %d, want 422 naming the orders\n%s", p.status, p.body)
	}
}

// csvColumn returns the named column of a CSV download.
func csvColumn(t *testing.T, p page, name string) []string {
	t.Helper()
	if p.status != http.StatusOK {
		t.Fatalf("CSV: %d\n%s", p.status, p.body)
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("CSV: %v", err)
	}
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("CSV has no %s column: %v", name, rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}
