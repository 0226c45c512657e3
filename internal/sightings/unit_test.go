package sightings

import (
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
)

func TestSightingSeverityRule(t *testing.T) {
	tests := []struct {
		name       string
		typ        vigil.IndicatorType
		confidence int
		labels     []string
		want       vigil.Severity
	}{
		{"ransomware, confident", vigil.TypeDomain, 85, []string{"LockBit-Ransomware"}, vigil.SeverityCritical},
		{"ransomware, unsure", vigil.TypeDomain, 50, []string{"ransomware"}, vigil.SeverityHigh},
		{"command and control", vigil.TypeIPv4, -1, []string{"C2"}, vigil.SeverityHigh},
		{"RAT as a word", vigil.TypeIPv4, -1, []string{"rat-dropper"}, vigil.SeverityHigh},
		{"rat inside a word is not", vigil.TypeIPv4, -1, []string{"operator"}, vigil.SeverityMedium},
		{"confident, no labels", vigil.TypeURL, 80, nil, vigil.SeverityHigh},
		{"a file hash", vigil.TypeMD5, -1, nil, vigil.SeverityHigh},
		{"unsure", vigil.TypeIPv4, 39, []string{"scanner"}, vigil.SeverityLow},
		{"nothing stated", vigil.TypeDomain, -1, nil, vigil.SeverityMedium},
		{"a TLS fingerprint", vigil.TypeJA3, -1, nil, vigil.SeverityHigh},
		{"command and control on a shared CDN address", vigil.TypeIPv4, -1, []string{"C2", vigil.WarninglistLabel + "cdn"}, vigil.SeverityMedium},
		{"ransomware on a shared CDN address", vigil.TypeIPv4, 90, []string{"ransomware", vigil.WarninglistLabel + "cdn"}, vigil.SeverityHigh},
	}
	for _, tt := range tests {
		l := alerts.NewListing(tt.typ, "x")
		l.Add(vigil.Provenance{Source: "s", Confidence: tt.confidence, Labels: tt.labels})
		if got := l.Severity(); got != tt.want {
			t.Errorf("%s: severity %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestDayRange(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		first, last time.Time
		want        string
	}{
		{d(2025, 11, 9), d(2025, 11, 9), "on 9 November 2025"},
		{d(2025, 11, 3), d(2025, 11, 9), "between 3 and 9 November 2025"},
		{d(2025, 10, 28), d(2025, 11, 9), "between 28 October and 9 November 2025"},
		{d(2024, 12, 30), d(2025, 1, 2), "between 30 December 2024 and 2 January 2025"},
	}
	for _, tt := range tests {
		if got := dayRange(tt.first, tt.last); got != tt.want {
			t.Errorf("dayRange = %q, want %q", got, tt.want)
		}
	}
}

func TestIndicatorKeys(t *testing.T) {
	tests := []struct {
		typ   vigil.IndicatorType
		value string
		keys  int
		first string // what the first key stands for
		ok    bool
	}{
		{vigil.TypeDomain, "evil.example", 1, "evil.example or a name under it", true},
		{vigil.TypeIPv4, "192.0.2.1", 1, "192.0.2.1", true},
		{vigil.TypeCIDR, "192.0.2.0/24", 1, "an address in 192.0.2.0/24", true},
		{vigil.TypeCIDR, "192.0.2.64/28", 16, "192.0.2.64", true},
		{vigil.TypeCIDR, "192.0.2.7/32", 1, "192.0.2.7", true},
		{vigil.TypeCIDR, "10.1.0.0/16", 256, "an address in 10.1.0.0/24", true},
		{vigil.TypeCIDR, "10.255.254.0/23", 2, "an address in 10.255.254.0/24", true},
		{vigil.TypeCIDR, "10.0.0.0/15", 0, "", false},
		{vigil.TypeCIDR, "2001:db8:1::/48", 1, "an address in 2001:db8:1::/48", true},
		{vigil.TypeCIDR, "2001:db8:1:2::/64", 1, "an address in 2001:db8:1::/48", true},
		{vigil.TypeCIDR, "2001:db8::/46", 4, "an address in 2001:db8::/48", true},
		{vigil.TypeCIDR, "2001:db8::/120", 256, "2001:db8::", true},
		{vigil.TypeCIDR, "2001:db8::/31", 0, "", false},
	}
	k := newKeyer(teleSecret)
	for _, tt := range tests {
		var whats []string
		seen := map[indexKey]bool{}
		ok := indicatorKeys(k, tt.typ, tt.value, func(key indexKey, what string) {
			seen[key] = true
			whats = append(whats, what)
		})
		if ok != tt.ok || len(seen) != tt.keys || len(whats) != tt.keys || (tt.keys > 0 && whats[0] != tt.first) {
			t.Errorf("%s: ok %v, %d distinct keys of %d, first %q; want %v, %d, %q", tt.value, ok, len(seen), len(whats), whats[:min(1, len(whats))], tt.ok, tt.keys, tt.first)
		}
	}
}

func TestObservableKeysCoverParentsAndNetworks(t *testing.T) {
	k := newKeyer(teleSecret)
	tests := []struct {
		typ   vigil.IndicatorType
		value string
		also  [][2]string
	}{
		{vigil.TypeDomain, "a.b.evil.co.uk", [][2]string{{"domain", "b.evil.co.uk"}, {"domain", "evil.co.uk"}}},
		{vigil.TypeDomain, "co.uk", nil},
		{vigil.TypeIPv4, "192.0.2.77", [][2]string{{"cidr", "192.0.2.0/24"}}},
		{vigil.TypeIPv6, "2001:db8:1:2::7", [][2]string{{"cidr", "2001:db8:1::/48"}}},
		{vigil.TypeSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", nil},
	}
	for _, tt := range tests {
		var got []indexKey
		k.observableKeys(tt.typ, tt.value, func(key indexKey) { got = append(got, key) })
		want := []indexKey{k.key(string(tt.typ), tt.value)}
		for _, a := range tt.also {
			want = append(want, k.key(a[0], a[1]))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d keys, want %d (itself then %v)", tt.value, len(got), len(want), tt.also)
		}
	}
}
