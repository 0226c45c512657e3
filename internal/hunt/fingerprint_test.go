package hunt

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

// TestHuntTLSFingerprints hunts the real APT29 Zeek logs for the JA3 of its TLS clients
// and the SHA-1 of its self-signed certificate, kept apart from file hashes: the JA3 is
// also listed as a file MD5 and that listing matches nothing.
func TestHuntTLSFingerprints(t *testing.T) {
	dir := telemetryDir(t)
	const (
		ja3  = "e0fe397a5edfba9a6facc7c7b341f4eb"
		cert = "d9105746ea023ecdc6a47e7b4d026d5308525b8c"
	)
	b := match.NewBuilder()
	for _, ind := range []vigil.Indicator{
		{Type: vigil.TypeJA3, Value: ja3}, {Type: vigil.TypeMD5, Value: ja3}, {Type: vigil.TypeX509SHA1, Value: cert},
	} {
		ind.Provenance = vigil.Provenance{Source: "sslbl", Confidence: -1}
		b.Add(ind)
	}
	var out bytes.Buffer
	in := FileInput(filepath.Join(dir, "zeek", "otrf-apt29", "apt29_day1_combined_zeek.ndjson"), nil)
	if _, err := Run(context.Background(), b.Build(), []Input{in}, &out, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range decodeSightings(t, &out) {
		got[string(s.IndicatorType)+" in "+s.Field]++
	}
	if got["ja3 in ja3"] == 0 || got["x509-sha1 in resp_certificate_sha1"] == 0 || got["x509-sha1 in sha1"] == 0 {
		t.Errorf("sightings %v: want the JA3 in ssl.log, and the certificate in ssl.log and files.log", got)
	}
	for k := range got {
		if k[:4] == "md5 " {
			t.Errorf("sighting %q: a JA3 listed as a file MD5 must not match a TLS fingerprint", k)
		}
	}
}
