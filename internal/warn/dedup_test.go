package warn

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

func TestDedupKey(t *testing.T) {
	longURL := "http://evil.example/" + strings.Repeat("a", 300)
	sum := sha256.Sum256([]byte(longURL))
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name string
		org  string
		ev   vigil.ThreatEvent
		want string
	}{
		{"plain", "RGT", vigil.ThreatEvent{Type: "open_port", Observable: "198.51.100.7", Time: at("2024-05-01T10:00:00Z")}, "RGT|open_port|2024-05-01|198.51.100.7"},
		{"day is the UTC day", "RGT", vigil.ThreatEvent{Type: "scan", Observable: "198.51.100.7", Time: at("2024-05-01T00:30:00+01:00")}, "RGT|scan|2024-04-30|198.51.100.7"},
		{"long observable hashed", "RGT", vigil.ThreatEvent{Type: "phishing", Observable: longURL, Time: at("2024-05-01T10:00:00Z")}, "RGT|phishing|2024-05-01|sha256:" + hex.EncodeToString(sum[:])},
		{"severity, source and port ignored", "RGT", vigil.ThreatEvent{Type: "open_port", Observable: "198.51.100.7", Time: at("2024-05-01T23:59:59Z"), Severity: "critical", Source: "other", Port: 22}, "RGT|open_port|2024-05-01|198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DedupKey(tt.org, tt.ev); got != tt.want {
				t.Errorf("DedupKey = %q, want %q", got, tt.want)
			}
		})
	}
}
