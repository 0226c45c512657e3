package pages_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestIndicatorsShowProvenanceAndTLP checks that the indicator search lists what the use
// case finds, each with its sources' claims and its marking, that filters narrow it,
// and that the CSV download has the rows shown.
func TestIndicatorsShowProvenanceAndTLP(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	b := s.signIn(analyst)
	tests := []struct {
		name, query string
		f           vigil.IndicatorFilter
	}{
		{"everything", "", vigil.IndicatorFilter{}},
		{"domains", "?type=domain", vigil.IndicatorFilter{Type: vigil.TypeDomain}},
		{"marked amber", "?tlp=AMBER", vigil.IndicatorFilter{TLP: vigil.TLPAmber}},
		{"labelled phishing", "?label=phishing", vigil.IndicatorFilter{Label: "phishing"}},
		{"value", "?value=203.0.113", vigil.IndicatorFilter{Value: "203.0.113"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _, err := s.app.ThreatIntel.SearchIndicators(ctx, reader, tt.f)
			if err != nil || len(want) == 0 {
				t.Fatalf("SearchIndicators: %d, %v; the demo should have some", len(want), err)
			}
			p := b.get("/indicators" + tt.query)
			if p.status != http.StatusOK {
				t.Fatalf("GET /indicators%s: %d\n%s", tt.query, p.status, p.body)
			}
			if n := strings.Count(p.body, "<code>"); n != len(want) {
				t.Errorf("the page lists %d indicators, want %d", n, len(want))
			}
			for _, ind := range want {
				if !p.has("<code>"+escaped(t, ind.Value)+"</code>", ">TLP:"+string(ind.Marking())+"<") {
					t.Errorf("the page lacks %s marked %s", ind.Value, ind.Marking())
				}
				for _, src := range ind.Sources {
					if !p.has(escaped(t, src.Source)) || (len(src.Labels) > 0 && !p.has(escaped(t, strings.Join(src.Labels, ", ")))) {
						t.Errorf("the page lacks %s's claim on %s (labels %v)", src.Source, ind.Value, src.Labels)
					}
				}
			}
			sep := "?"
			if tt.query != "" {
				sep = "&"
			}
			header, rows := csvRows(t, b.get("/indicators"+tt.query+sep+"format=csv"))
			var values []string
			for _, ind := range want {
				values = append(values, ind.Value)
			}
			if got := column(t, header, rows, "value"); !slices.Equal(got, values) {
				t.Errorf("CSV values %v, want the page's %v", got, values)
			}
		})
	}
	if p := b.get("/indicators?type=ip"); p.status != http.StatusBadRequest || !p.has("There is a problem", `href="#type"`) {
		t.Errorf("an unknown type: %d, want 400 naming the field\n%s", p.status, p.body)
	}
}

// TestIndicatorsPaginate checks that a page holds at most the limit and the next page
// link carries on where it stopped.
func TestIndicatorsPaginate(t *testing.T) {
	s := demoSite(t)
	first, next, err := s.app.ThreatIntel.SearchIndicators(context.Background(), reader, vigil.IndicatorFilter{Limit: 5})
	if err != nil || next == "" {
		t.Fatalf("SearchIndicators: %v, next %q; the demo should have more than 5", err, next)
	}
	second, _, err := s.app.ThreatIntel.SearchIndicators(context.Background(), reader, vigil.IndicatorFilter{Limit: 5, Cursor: next})
	if err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	p := b.get("/indicators?limit=5")
	link := regexpFind(t, p, `<a href="(/indicators\?[^"]*cursor=[^"]*)">Next page</a>`)
	if !p.has(escaped(t, first[4].Value)) || p.has("<code>"+escaped(t, second[0].Value)+"</code>") {
		t.Errorf("first page: want %s and not %s", first[4].Value, second[0].Value)
	}
	if p := b.get(strings.ReplaceAll(link, "&amp;", "&")); !p.has("<code>" + escaped(t, second[0].Value) + "</code>") {
		t.Errorf("next page lacks %s\n%s", second[0].Value, p.body)
	}
}

// TestHostileIntelRendersInert puts markup into what a feed controls (its name, an
// indicator's labels) and checks that the pages show it as text.
func TestHostileIntelRendersInert(t *testing.T) {
	s := demoSite(t)
	const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	stix := `{"type":"bundle","id":"bundle--1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b","objects":[{"type":"indicator","spec_version":"2.1",
		"id":"indicator--2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z",
		"name":"` + strings.ReplaceAll(hostile, `"`, `\"`) + `","description":"` + strings.ReplaceAll(hostile, `"`, `\"`) + `",
		"labels":["` + strings.ReplaceAll(hostile, `"`, `\"`) + `"],"pattern":"[domain-name:value = 'hostile-labels.example']",
		"pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}]}`
	if _, err := s.app.ThreatIntel.Import(context.Background(), reader, threatintel.Upload{Source: hostile, Name: "hostile.json"},
		strings.NewReader(stix)); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(sectorAdmin)
	for _, path := range []string{"/indicators?value=hostile-labels", "/feeds", "/audit"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, p.status, p.body)
		}
		if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img src=x") {
			t.Errorf("%s shows the hostile text as markup\n%s", path, p.body)
		}
		if !p.has("&lt;script&gt;alert") {
			t.Errorf("%s does not show the hostile text as text\n%s", path, p.body)
		}
	}
	if p := b.get("/indicators?value=hostile-labels"); !p.has("hostile-labels.example", "labels: &lt;script&gt;") {
		t.Errorf("the indicator and its label are not shown\n%s", p.body)
	}
}
