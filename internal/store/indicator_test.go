package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// ind is an indicator as a parser hands it over.
func ind(t vigil.IndicatorType, v string, tlp vigil.TLP, labels ...string) vigil.Indicator {
	return vigil.Indicator{Type: t, Value: v, Provenance: vigil.Provenance{Source: "parsed-name", TLP: tlp,
		Reliability: 'B', Credibility: 2, Confidence: 80, Labels: labels}}
}

// values lists the "type value" of indicators, sorted.
func values(inds []vigil.StoredIndicator) []string {
	var out []string
	for _, si := range inds {
		out = append(out, string(si.Type)+" "+si.Value)
	}
	slices.Sort(out)
	return out
}

func all(t *testing.T, s *store.Store) []vigil.StoredIndicator {
	t.Helper()
	var out []vigil.StoredIndicator
	if err := s.EachIndicator(t.Context(), func(si vigil.StoredIndicator) error {
		out = append(out, si)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSameValueFromTwoSourcesIsOneIndicatorWithBothProvenances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.UpsertSourceIndicators(ctx, "abuse.ch", []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.7", vigil.TLPClear, "emotet")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertSourceIndicators(ctx, "partner", []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.7", vigil.TLPAmber, "c2")}); err != nil {
			t.Fatal(err)
		}
		got := all(t, s)
		if len(got) != 1 || len(got[0].Sources) != 2 {
			t.Fatalf("got %+v, want one indicator with two sources", got)
		}
		a, p := got[0].Sources[0], got[0].Sources[1]
		if a.Source != "abuse.ch" || a.TLP != vigil.TLPClear || !slices.Equal(a.Labels, []string{"emotet"}) ||
			p.Source != "partner" || p.TLP != vigil.TLPAmber || p.Reliability != 'B' || p.Credibility != 2 || p.Confidence != 80 {
			t.Errorf("sources %+v", got[0].Sources)
		}
		if a.Published.IsZero() || a.Added.IsZero() {
			t.Errorf("published %v added %v, want both set", a.Published, a.Added)
		}
	})
}

func TestReplaceSourceIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
		s.SetNow(func() time.Time { return t0 })
		first := []vigil.Indicator{
			ind(vigil.TypeIPv4, "192.0.2.1", vigil.TLPClear),
			ind(vigil.TypeIPv4, "192.0.2.2", vigil.TLPClear),
			ind(vigil.TypeDomain, "evil.example", vigil.TLPClear),
		}
		ch, err := s.ReplaceSourceIndicators(ctx, "list", first)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Added != 3 || ch.Refreshed != 0 || ch.Withdrawn != 0 || len(ch.Changed) != 3 {
			t.Errorf("first pull: %+v", ch)
		}
		// Another source also holds 192.0.2.2: withdrawing it from "list" must keep it.
		if _, err := s.UpsertSourceIndicators(ctx, "upload", []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.2", vigil.TLPGreen)}); err != nil {
			t.Fatal(err)
		}
		s.SetNow(func() time.Time { return t0.Add(time.Hour) })
		second := []vigil.Indicator{
			ind(vigil.TypeIPv4, "192.0.2.1", vigil.TLPClear),               // unchanged
			ind(vigil.TypeDomain, "evil.example", vigil.TLPAmber),          // marking changed
			ind(vigil.TypeSHA256, fmt.Sprintf("%064x", 7), vigil.TLPClear), // new
		}
		ch, err = s.ReplaceSourceIndicators(ctx, "list", second)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Added != 1 || ch.Refreshed != 2 || ch.Withdrawn != 1 {
			t.Errorf("second pull: %+v, want 1 added, 2 refreshed, 1 withdrawn", ch)
		}
		var changed []string
		for _, c := range ch.Changed {
			changed = append(changed, c.Value)
		}
		if want := []string{"evil.example", fmt.Sprintf("%064x", 7)}; !slices.Equal(changed, want) {
			t.Errorf("changed %v, want %v", changed, want)
		}
		got := all(t, s)
		want := []string{"domain evil.example", "ipv4 192.0.2.1", "ipv4 192.0.2.2", "sha256 " + fmt.Sprintf("%064x", 7)}
		if !slices.Equal(values(got), want) {
			t.Errorf("indicators %v, want %v", values(got), want)
		}
		for _, si := range got {
			if si.Value == "192.0.2.2" && (len(si.Sources) != 1 || si.Sources[0].Source != "upload") {
				t.Errorf("192.0.2.2 sources %+v, want only upload", si.Sources)
			}
			if si.Value == "192.0.2.1" && (!si.Sources[0].Published.Equal(t0.Add(time.Hour)) || !si.Sources[0].Added.Equal(t0)) {
				t.Errorf("192.0.2.1 added %v published %v: re-publishing refreshes published only", si.Sources[0].Added, si.Sources[0].Published)
			}
		}
		// Everything withdrawn: indicators no source holds are gone.
		if ch, err = s.ReplaceSourceIndicators(ctx, "list", nil); err != nil || ch.Withdrawn != 3 {
			t.Fatalf("empty pull: %+v %v", ch, err)
		}
		if n, _ := s.QueryInt(ctx, `SELECT COUNT(*) FROM indicators`); n != 1 {
			t.Errorf("%d indicators left, want 1 (the upload's)", n)
		}
	})
}

func TestRepeatedValueInOneImportMergesLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ch, err := s.UpsertSourceIndicators(t.Context(), "misp", []vigil.Indicator{
			ind(vigil.TypeDomain, "evil.example", vigil.TLPGreen, "emotet"),
			ind(vigil.TypeDomain, "evil.example", vigil.TLPGreen, "banker", "emotet"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if ch.Added != 1 {
			t.Errorf("added %d, want 1", ch.Added)
		}
		got := all(t, s)
		if len(got) != 1 || !slices.Equal(got[0].Sources[0].Labels, []string{"banker", "emotet"}) {
			t.Errorf("got %+v, want one indicator labelled banker, emotet", got)
		}
	})
}

func TestSearchIndicators(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		for _, src := range []struct {
			name string
			inds []vigil.Indicator
		}{
			{"abuse.ch", []vigil.Indicator{
				ind(vigil.TypeDomain, "evil.example", vigil.TLPClear, "Emotet"),
				ind(vigil.TypeDomain, "mail.evil.example", vigil.TLPClear),
				ind(vigil.TypeURL, "http://evil.example/a_b", vigil.TLPClear),
			}},
			{"partner", []vigil.Indicator{
				ind(vigil.TypeIPv4, "192.0.2.7", vigil.TLPAmber, "qakbot"),
				ind(vigil.TypeDomain, "evil.example", vigil.TLPAmber),
			}},
		} {
			if _, err := s.UpsertSourceIndicators(ctx, src.name, src.inds); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name string
			f    vigil.IndicatorFilter
			want []string
		}{
			{"everything", vigil.IndicatorFilter{}, []string{"domain evil.example", "domain mail.evil.example", "ipv4 192.0.2.7", "url http://evil.example/a_b"}},
			{"substring, any case", vigil.IndicatorFilter{Value: "EVIL.example"}, []string{"domain evil.example", "domain mail.evil.example", "url http://evil.example/a_b"}},
			{"exact", vigil.IndicatorFilter{Value: "evil.example", Exact: true}, []string{"domain evil.example"}},
			{"underscore is not a wildcard", vigil.IndicatorFilter{Value: "a_b"}, []string{"url http://evil.example/a_b"}},
			{"type", vigil.IndicatorFilter{Type: vigil.TypeDomain}, []string{"domain evil.example", "domain mail.evil.example"}},
			{"source", vigil.IndicatorFilter{Source: "partner"}, []string{"domain evil.example", "ipv4 192.0.2.7"}},
			{"label, any case", vigil.IndicatorFilter{Label: "emotet"}, []string{"domain evil.example"}},
			{"label is whole", vigil.IndicatorFilter{Label: "emo"}, nil},
			{"source and type", vigil.IndicatorFilter{Source: "abuse.ch", Type: vigil.TypeURL}, []string{"url http://evil.example/a_b"}},
			{"a source marks it so", vigil.IndicatorFilter{TLP: vigil.TLPAmber}, []string{"domain evil.example", "ipv4 192.0.2.7"}},
			{"tlp and source", vigil.IndicatorFilter{TLP: vigil.TLPAmber, Source: "abuse.ch"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, next, err := s.SearchIndicators(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(values(got), tt.want) || next != "" {
					t.Errorf("got %v (next %q), want %v", values(got), next, tt.want)
				}
			})
		}
		t.Run("pages", func(t *testing.T) {
			var seen []vigil.StoredIndicator
			cursor := ""
			for range 10 {
				got, next, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Limit: 3, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, got...)
				if cursor = next; cursor == "" {
					break
				}
			}
			if len(seen) != 4 {
				t.Errorf("paged through %v, want all 4 once", values(seen))
			}
		})
		t.Run("bad type", func(t *testing.T) {
			_, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Type: "ip"})
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("err %v, want invalid", err)
			}
		})
		t.Run("bad tlp", func(t *testing.T) {
			_, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{TLP: "WHITE"})
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("err %v, want invalid", err)
			}
		})
	})
}

func TestMarkSighted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if _, err := s.UpsertSourceIndicators(ctx, "list", []vigil.Indicator{ind(vigil.TypeIPv4, "192.0.2.7", "")}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
		for _, at := range []time.Time{t0, t0.Add(-time.Hour), t0.Add(time.Minute)} {
			if err := s.MarkSighted(ctx, vigil.TypeIPv4, "192.0.2.7", at); err != nil {
				t.Fatal(err)
			}
		}
		si, err := s.GetIndicator(ctx, vigil.TypeIPv4, "192.0.2.7")
		if err != nil {
			t.Fatal(err)
		}
		if !si.LastSighted.Equal(t0) {
			t.Errorf("last sighted %v, want %v: earlier sightings and those within the hour do not move it", si.LastSighted, t0)
		}
		if err := s.MarkSighted(ctx, vigil.TypeIPv4, "192.0.2.99", t0); err != nil {
			t.Errorf("sighting of an unknown value: %v, want nil", err)
		}
	})
}
