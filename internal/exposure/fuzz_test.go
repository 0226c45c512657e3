package exposure

import (
	"os"
	"testing"

	"github.com/vigil-health/vigil"
)

// FuzzSourceFile feeds a KEV or EPSS source's file, gzip or not, through what a pull
// reads it with: it must answer entries or an error, never panic.
func FuzzSourceFile(f *testing.F) {
	for _, name := range []string{"testdata/kev.json", "testdata/epss.csv"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, name == "testdata/kev.json")
		f.Add(gzipped(data), name == "testdata/kev.json")
	}
	f.Add([]byte{0x1f, 0x8b, 0, 0}, true)
	f.Fuzz(func(t *testing.T, data []byte, kev bool) {
		raw, err := gunzip(data)
		if err != nil {
			return
		}
		kind := vigil.AdvisoryEPSS
		if kev {
			kind = vigil.AdvisoryKEV
		}
		if entries, err := parseEntries(kind, raw); err == nil && len(entries) == 0 {
			t.Fatal("no error and no entries")
		}
	})
}
