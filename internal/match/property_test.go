package match

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"pgregory.net/rapid"
)

// TestLookupMatchesNaiveScan checks Lookup and Entry against a linear scan over the
// merged indicators. Values come from small pools so that merges, nested networks,
// parent domains and hashes sharing their first 8 bytes are common.
func TestLookupMatchesNaiveScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inds := rapid.SliceOfN(genIndicator(), 0, 60).Draw(t, "indicators")
		b := NewBuilder()
		for _, ind := range inds {
			b.Add(ind)
		}
		s := b.Build()
		model := naiveMerge(inds)
		if s.Len() != len(model) || b.Rejected() != 0 {
			t.Fatalf("Len() = %d, Rejected() = %d; want %d, 0", s.Len(), b.Rejected(), len(model))
		}
		for _, o := range rapid.SliceOfN(genObservable(), 1, 30).Draw(t, "observables") {
			var got []Entry
			for _, id := range s.Lookup(o, nil) {
				got = append(got, s.Entry(id))
			}
			if diff := gocmp.Diff(naiveLookup(model, o), got); diff != "" {
				t.Fatalf("Lookup(%s %q) mismatch (-naive +got):\n%s", o.Type, o.Value, diff)
			}
		}
	})
}

// naiveMerge merges indicators the way Builder documents it, one linear scan per add.
func naiveMerge(inds []vigil.Indicator) []Entry {
	var out []Entry
	for _, ind := range inds {
		v := canonical(ind.Type, ind.Value)
		i := slices.IndexFunc(out, func(e Entry) bool { return e.Type == ind.Type && e.Value == v })
		if i < 0 {
			out = append(out, Entry{Type: ind.Type, Value: v})
			i = len(out) - 1
		}
		if !slices.ContainsFunc(out[i].Sources, func(p vigil.Provenance) bool { return repeats(p, ind.Provenance) }) {
			out[i].Sources = append(out[i].Sources, ind.Provenance)
		}
	}
	return out
}

func canonical(t vigil.IndicatorType, v string) string {
	if t.IsHash() {
		return strings.ToLower(v)
	}
	return v
}

// repeats reports whether claim b repeats claim a.
func repeats(a, b vigil.Provenance) bool {
	if a.Ref != "" && b.Ref != "" {
		return a.Source == b.Source && a.Ref == b.Ref
	}
	return a.Ref == b.Ref && sameProv(&a, &b)
}

// naiveLookup returns the entries matching o, most specific first.
func naiveLookup(model []Entry, o vigil.Observable) []Entry {
	var out []Entry
	for _, e := range model {
		if naiveMatch(e, o) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return cmp.Compare(specificity(b), specificity(a)) })
	return out
}

// specificity orders matches: an exact address before any network, longer prefixes and
// longer domains first.
func specificity(e Entry) int {
	switch e.Type {
	case vigil.TypeCIDR:
		return netip.MustParsePrefix(e.Value).Bits()
	case vigil.TypeDomain:
		return len(e.Value)
	}
	return 1000
}

func naiveMatch(e Entry, o vigil.Observable) bool {
	switch o.Type {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		a, err := netip.ParseAddr(o.Value)
		if err != nil {
			return false
		}
		a = a.Unmap()
		if e.Type == vigil.TypeCIDR {
			return netip.MustParsePrefix(e.Value).Contains(a)
		}
		return (e.Type == vigil.TypeIPv4 || e.Type == vigil.TypeIPv6) && e.Value == a.String()
	case vigil.TypeCIDR:
		p, err := netip.ParsePrefix(o.Value)
		if err != nil || e.Type != vigil.TypeCIDR {
			return false
		}
		q := netip.MustParsePrefix(e.Value)
		return q.Bits() <= p.Bits() && q.Contains(p.Addr())
	case vigil.TypeDomain:
		return e.Type == o.Type && (o.Value == e.Value || strings.HasSuffix(o.Value, "."+e.Value))
	}
	return e.Type == o.Type && e.Value == canonical(o.Type, o.Value)
}

func genIndicator() *rapid.Generator[vigil.Indicator] {
	return rapid.Custom(func(t *rapid.T) vigil.Indicator {
		typ := rapid.SampledFrom(vigil.IndicatorTypes).Draw(t, "type")
		p := vigil.Provenance{
			Source:     rapid.SampledFrom([]string{"s1", "s2"}).Draw(t, "source"),
			Ref:        rapid.SampledFrom([]string{"", "r1", "r2", "1", "line 1", "line 01", "line 2"}).Draw(t, "ref"),
			TLP:        rapid.SampledFrom([]vigil.TLP{"", vigil.TLPGreen}).Draw(t, "tlp"),
			Labels:     rapid.SampledFrom([][]string{nil, {"x"}, {"x", "y"}}).Draw(t, "labels"),
			Confidence: -1,
		}
		return vigil.Indicator{Type: typ, Value: genValue(t, typ), Provenance: p}
	})
}

func genObservable() *rapid.Generator[vigil.Observable] {
	return rapid.Custom(func(t *rapid.T) vigil.Observable {
		typ := rapid.SampledFrom(vigil.IndicatorTypes).Draw(t, "type")
		v := genValue(t, typ)
		if rapid.IntRange(0, 9).Draw(t, "mangle") == 0 {
			v = rapid.SampledFrom([]string{"", "x", "1.2.3", "::ffff:10.0.0.1", "10.0.0.0/33", strings.ToUpper(v), v + "0"}).Draw(t, "bad")
		}
		return vigil.Observable{Field: "f", Type: typ, Value: v}
	})
}

// genValue draws a normalised value of type typ from a small pool.
func genValue(t *rapid.T, typ vigil.IndicatorType) string {
	small := func(label string) int { return rapid.IntRange(0, 2).Draw(t, label) }
	switch typ {
	case vigil.TypeIPv4:
		return fmt.Sprintf("10.%d.%d.%d", small("a"), small("b"), small("c"))
	case vigil.TypeIPv6:
		return netip.MustParseAddr(fmt.Sprintf("2001:db8:%d::%d", small("a"), small("b"))).String()
	case vigil.TypeCIDR:
		if rapid.Bool().Draw(t, "v4") {
			a := netip.MustParseAddr(fmt.Sprintf("10.%d.%d.%d", small("a"), small("b"), small("c")))
			return netip.PrefixFrom(a, rapid.SampledFrom([]int{8, 15, 16, 24, 31, 32}).Draw(t, "bits")).Masked().String()
		}
		a := netip.MustParseAddr(fmt.Sprintf("2001:db8:%d::%d", small("a"), small("b")))
		return netip.PrefixFrom(a, rapid.SampledFrom([]int{16, 24, 32, 46, 48, 64, 127, 128}).Draw(t, "bits")).Masked().String()
	case vigil.TypeDomain:
		return genDomain(t)
	case vigil.TypeURL:
		return "http://" + genDomain(t) + rapid.SampledFrom([]string{"/", "/x"}).Draw(t, "path")
	case vigil.TypeEmail:
		return rapid.SampledFrom([]string{"u", "v"}).Draw(t, "user") + "@" + genDomain(t)
	case vigil.TypeFilename:
		return rapid.SampledFrom([]string{"a.exe", "b.dll"}).Draw(t, "file")
	case vigil.TypeJA4:
		return rapid.SampledFrom([]string{"t13d1516h2_8daaf6152771_b186095e22b6", "t13d1517h2_8daaf6152771_b1ff8ab2d16f"}).Draw(t, "ja4")
	}
	d := make([]byte, typ2kind(typ).hashSize())
	d[0], d[7], d[8], d[len(d)-1] = byte(small("h0")), byte(small("h7")), byte(small("h8")), byte(small("hn"))
	return hex.EncodeToString(d)
}

func genDomain(t *rapid.T) string {
	labels := rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b", "c"}), 1, 4).Draw(t, "labels")
	return strings.Join(labels, ".")
}

func typ2kind(typ vigil.IndicatorType) kind {
	k, _ := kindOf(typ)
	return k
}
