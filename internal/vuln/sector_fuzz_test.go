package vuln

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

// FuzzParseSectorAdvisories feeds arbitrary files through the sector advisory reader and
// the matcher: none may panic, whatever reads must pass Validate, and every advisory that
// covers any version must match a product named exactly as its vendor and product say.
func FuzzParseSectorAdvisories(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "sector", "advisories.json")); err == nil {
		f.Add(data)
	}
	f.Add(productsOfConcern)
	f.Add([]byte(`[{"id":"A","vendor":"V","product":"P","versions":[{"introduced":"1","fixed":"2.0.1"}],"severity":"low","summary":"s"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, err := ParseSectorAdvisories(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range advs {
			if verr := a.Validate(); verr != nil {
				t.Fatalf("kept an invalid advisory %+v: %v", a, verr)
			}
		}
		comps := []vigil.Component{}
		for _, a := range advs {
			comps = append(comps, vigil.Component{Vendor: a.Vendor, Product: a.Product, Name: a.Product, Version: "1.0"})
		}
		res, err := MatchSector(comps, advs)
		if err != nil {
			t.Fatalf("validated advisories refused: %v", err)
		}
		for i, a := range advs {
			if !a.AnyVersion || !a.MatchesProduct(comps[i].Vendor, comps[i].Product) {
				continue
			}
			found := false
			for _, f := range res.Findings {
				found = found || f.ID == a.ID && f.Name == comps[i].Name
			}
			if !found {
				t.Fatalf("advisory %s covers every version of %q %q but did not match it", a.ID, a.Vendor, a.Product)
			}
		}
	})
}
