package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigil-health/vigil/internal/vuln"
)

// pkgVersion is one real package and version from the advisories.
type pkgVersion struct{ ecosystem, name, version string }

func gen(args []string) error {
	fs := newFlags("gen")
	osv := fs.String("osv", "", "OSV advisories (directory, zip or offline cache)")
	n := fs.Int("n", 1000, "number of SBOMs")
	per := fs.Int("components", 40, "average components per SBOM")
	out := fs.String("out", "bench/out/vuln-sboms", "output directory")
	seed := fs.Uint64("seed", 11, "random seed")
	fs.Parse(args)
	advisories, _, err := vuln.ReadAdvisories(*osv)
	if err != nil {
		return err
	}
	pool := realVersions(advisories)
	if len(pool) == 0 {
		return fmt.Errorf("no package versions in %s", *osv)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(*seed, 0))
	for i := range *n {
		comps := pick(rng, pool, *per/2+rng.IntN(*per+1))
		base := filepath.Join(*out, fmt.Sprintf("sbom-%04d", i+1))
		if err := writeCycloneDX(base+".cdx.json", comps); err != nil {
			return err
		}
		if err := writePurls(base+".purls", comps); err != nil {
			return err
		}
	}
	fmt.Printf("%d SBOMs from %d real package versions in %s\n", *n, len(pool), *out)
	return nil
}

// realVersions collects every (package, version) the records name, in a stable order.
// Go's standard library and toolchain are left out: scanners treat them specially.
func realVersions(advisories []vuln.Advisory) []pkgVersion {
	seen := map[pkgVersion]bool{}
	var pool []pkgVersion
	add := func(eco, name, v string) {
		p := pkgVersion{eco, name, v}
		if v == "" || v == "0" || seen[p] || name == "stdlib" || name == "toolchain" {
			return
		}
		seen[p] = true
		pool = append(pool, p)
	}
	for _, a := range advisories {
		for _, af := range a.Affected {
			for _, v := range af.Versions {
				add(af.Package.Ecosystem, af.Package.Name, v)
			}
			for _, r := range af.Ranges {
				if r.Type == "GIT" {
					continue
				}
				for _, e := range r.Events {
					add(af.Package.Ecosystem, af.Package.Name, e.Introduced+e.Fixed+e.LastAffected)
				}
			}
		}
	}
	slices.SortFunc(pool, func(a, b pkgVersion) int {
		return strings.Compare(a.ecosystem+a.name+"@"+a.version, b.ecosystem+b.name+"@"+b.version)
	})
	return pool
}

// pick draws k distinct packages (one version each, as a real inventory has).
func pick(rng *rand.Rand, pool []pkgVersion, k int) []pkgVersion {
	names := map[string]bool{}
	var out []pkgVersion
	for tries := 0; len(out) < k && tries < 10*k; tries++ {
		p := pool[rng.IntN(len(pool))]
		if !names[p.ecosystem+p.name] {
			names[p.ecosystem+p.name] = true
			out = append(out, p)
		}
	}
	return out
}

// purl writes the package URL osv-scanner and vigil both read.
func purl(p pkgVersion) string {
	esc := func(s string) string { return strings.ReplaceAll(url.PathEscape(s), "%2F", "/") }
	v := url.PathEscape(p.version)
	switch p.ecosystem {
	case "Maven":
		group, artifact, _ := strings.Cut(p.name, ":")
		return "pkg:maven/" + esc(group) + "/" + esc(artifact) + "@" + v
	case "npm":
		return "pkg:npm/" + strings.ReplaceAll(esc(p.name), "@", "%40") + "@" + v
	case "PyPI":
		return "pkg:pypi/" + esc(p.name) + "@" + v
	case "Go":
		return "pkg:golang/" + esc(p.name) + "@v" + v
	}
	return "pkg:generic/" + esc(p.name) + "@" + v
}

func writeCycloneDX(path string, comps []pkgVersion) error {
	type component struct {
		Type    string `json:"type"`
		BOMRef  string `json:"bom-ref"`
		Name    string `json:"name"`
		Version string `json:"version"`
		PURL    string `json:"purl"`
	}
	doc := struct {
		BOMFormat   string      `json:"bomFormat"`
		SpecVersion string      `json:"specVersion"`
		Version     int         `json:"version"`
		Components  []component `json:"components"`
	}{BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1}
	for _, c := range comps {
		p := purl(c)
		doc.Components = append(doc.Components, component{Type: "library", BOMRef: p, Name: c.name, Version: c.version, PURL: p})
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func writePurls(path string, comps []pkgVersion) error {
	var b strings.Builder
	for _, c := range comps {
		b.WriteString(purl(c) + "\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
