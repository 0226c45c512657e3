package feeds

import (
	"math"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func daysAgo(n float64) time.Time { return now.Add(-time.Duration(n * float64(day))) }

func TestScore(t *testing.T) {
	tests := []struct {
		name string
		typ  vigil.IndicatorType
		last time.Time
		want float64
	}{
		{"an IP published today scores 1", vigil.TypeIPv4, now, 1},
		{"an IPv4 address halves in 14 days", vigil.TypeIPv4, daysAgo(14), 0.5},
		{"an IPv6 address halves in 14 days", vigil.TypeIPv6, daysAgo(14), 0.5},
		{"an IP address quarters in 28 days", vigil.TypeIPv4, daysAgo(28), 0.25},
		{"a CIDR range halves in 30 days", vigil.TypeCIDR, daysAgo(30), 0.5},
		{"a URL halves in 30 days", vigil.TypeURL, daysAgo(30), 0.5},
		{"a domain halves in 60 days", vigil.TypeDomain, daysAgo(60), 0.5},
		{"an email address halves in 90 days", vigil.TypeEmail, daysAgo(90), 0.5},
		{"a file name halves in 180 days", vigil.TypeFilename, daysAgo(180), 0.5},
		{"an MD5 never decays", vigil.TypeMD5, daysAgo(3650), 1},
		{"a SHA-1 never decays", vigil.TypeSHA1, daysAgo(3650), 1},
		{"a SHA-256 never decays", vigil.TypeSHA256, daysAgo(3650), 1},
		{"a SHA-512 never decays", vigil.TypeSHA512, daysAgo(3650), 1},
		{"a time in the future (clock skew) scores 1", vigil.TypeIPv4, now.Add(time.Hour), 1},
		{"an unknown last time scores 1", vigil.TypeIPv4, time.Time{}, 1},
		{"an unknown type never decays", vigil.IndicatorType("x509"), daysAgo(3650), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Score(tt.typ, tt.last, now); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Score(%s, %v ago) = %v, want %v", tt.typ, now.Sub(tt.last), got, tt.want)
			}
		})
	}
}

func TestWhy(t *testing.T) {
	tests := []struct {
		name string
		typ  vigil.IndicatorType
		last time.Time
		want string
	}{
		{"an IP address seen 30 days ago still matches", vigil.TypeIPv4, daysAgo(30), ""},
		{"an IP address not seen for 41 days is stale", vigil.TypeIPv4, daysAgo(41),
			"not published or sighted for 41 days; IP addresses go stale in weeks (half-life 14 days), so it no longer matches"},
		{"a domain seen 130 days ago still matches", vigil.TypeDomain, daysAgo(130), ""},
		{"a domain not seen for 150 days is stale", vigil.TypeDomain, daysAgo(150),
			"not published or sighted for 150 days; malicious domains lapse or are taken over within months (half-life 60 days), so it no longer matches"},
		{"a URL not seen for 70 days is stale", vigil.TypeURL, daysAgo(70.5),
			"not published or sighted for 70 days; malicious web addresses are taken down within weeks (half-life 30 days), so it no longer matches"},
		{"a hash ten years old still matches", vigil.TypeSHA256, daysAgo(3650), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Why(tt.typ, tt.last, now); got != tt.want {
				t.Errorf("Why = %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestWhyAgreesWithThreshold checks, for every type that decays, that an indicator
// matches until its score crosses Threshold and is explained from then on.
func TestWhyAgreesWithThreshold(t *testing.T) {
	for _, typ := range vigil.IndicatorTypes {
		hl := HalfLife(typ)
		if typ.IsHash() {
			if hl != 0 {
				t.Errorf("HalfLife(%s) = %v, want 0: a hash names the same file for ever", typ, hl)
			}
			continue
		}
		if hl <= 0 {
			t.Errorf("HalfLife(%s) = %v, want a positive half-life", typ, hl)
			continue
		}
		// 0.5^(age/hl) = Threshold at age = hl·log2(1/Threshold).
		crossing := time.Duration(float64(hl) * math.Log2(1/Threshold))
		if w := Why(typ, now.Add(-crossing+time.Hour), now); w != "" {
			t.Errorf("%s an hour before the threshold: Why = %q, want it still matching", typ, w)
		}
		if w := Why(typ, now.Add(-crossing-time.Hour), now); w == "" {
			t.Errorf("%s an hour after the threshold: Why is empty, want a reason", typ)
		}
	}
}

func TestDue(t *testing.T) {
	tests := []struct {
		name     string
		schedule time.Duration
		last     time.Time
		want     bool
	}{
		{"a feed never pulled is due", time.Hour, time.Time{}, true},
		{"a feed with no schedule never pulled is due", 0, time.Time{}, true},
		{"an hourly feed pulled 30 minutes ago is not due", time.Hour, now.Add(-30 * time.Minute), false},
		{"an hourly feed pulled an hour ago is due", time.Hour, now.Add(-time.Hour), true},
		{"an hourly feed pulled a day ago is due", time.Hour, now.Add(-24 * time.Hour), true},
		{"a feed with no schedule is pulled only on request", 0, now.Add(-365 * 24 * time.Hour), false},
		{"a last pull in the future (clock skew) is not due", time.Hour, now.Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Due(tt.schedule, tt.last, now); got != tt.want {
				t.Errorf("Due(%v, %v) = %v, want %v", tt.schedule, tt.last, got, tt.want)
			}
		})
	}
}
