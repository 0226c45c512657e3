package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// finding is one tool's answer: a package version in an input, and the IDs (with
// aliases) of one vulnerability.
type finding struct {
	input, ecosystem, name, version string
	ids                             []string
}

func compare(args []string) error {
	fs := newFlags("compare")
	vigilOut := fs.String("vigil", "", "vigil vuln scan --format ndjson output")
	osvOut := fs.String("osv-scanner", "", "osv-scanner --format json output")
	show := fs.Int("show", 20, "differences to list per side")
	osvPath := fs.String("osv", "", "the OSV advisories both scanned with, to explain differences")
	fs.Parse(args)
	v, err := readVigil(*vigilOut)
	if err != nil {
		return err
	}
	o, err := readOSVScanner(*osvOut)
	if err != nil {
		return err
	}
	sets := joinAliases(append(slices.Clone(v), o...))
	vk, ok := keys(v, sets), keys(o, sets)
	explain, err := newExplainer(*osvPath)
	if err != nil {
		return err
	}
	both, onlyV, onlyO := 0, []string{}, []string{}
	for k := range vk {
		if _, found := ok[k]; found {
			both++
		} else {
			onlyV = append(onlyV, k)
		}
	}
	for k := range ok {
		if _, found := vk[k]; !found {
			onlyO = append(onlyO, k)
		}
	}
	union := both + len(onlyV) + len(onlyO)
	agreement := 100.0
	if union > 0 {
		agreement = 100 * float64(both) / float64(union)
	}
	fmt.Printf("findings (input × package × version × vulnerability, aliases merged): vigil %d, osv-scanner %d, both %d\n", len(vk), len(ok), both)
	fmt.Printf("agreement: %.2f%% (both / either)\n", agreement)
	reasons, unexplained := explain.all(onlyV, vk)
	explained := 0
	for r, n := range reasons {
		fmt.Printf("only vigil, explained (%d): %s\n", n, r)
		explained += n
	}
	if union > 0 {
		fmt.Printf("agreement leaving out the explained differences: %.2f%%\n", 100*float64(both)/float64(union-explained))
	}
	list("only vigil, not explained", unexplained, *show)
	list("only osv-scanner", onlyO, *show)
	return nil
}

func list(title string, keys []string, n int) {
	if len(keys) == 0 {
		return
	}
	slices.Sort(keys)
	fmt.Printf("%s: %d\n", title, len(keys))
	for i, k := range keys {
		if i == n {
			fmt.Printf("  … %d more\n", len(keys)-n)
			break
		}
		fmt.Println("  " + strings.ReplaceAll(k, "\x00", " "))
	}
}

// joinAliases maps every ID to one representative of the IDs either tool put together.
func joinAliases(fs []finding) map[string]string {
	parent := map[string]string{}
	var root func(string) string
	root = func(id string) string {
		if p, ok := parent[id]; ok && p != id {
			r := root(p)
			parent[id] = r
			return r
		}
		return id
	}
	for _, f := range fs {
		for _, id := range f.ids[1:] {
			a, b := root(f.ids[0]), root(id)
			if a != b {
				parent[max(a, b)] = min(a, b)
				parent[min(a, b)] = min(a, b)
			}
		}
	}
	out := map[string]string{}
	for _, f := range fs {
		for _, id := range f.ids {
			out[id] = root(id)
		}
	}
	return out
}

// keys gives each finding's comparison key, mapped to the finding.
func keys(fs []finding, sets map[string]string) map[string]finding {
	out := map[string]finding{}
	for _, f := range fs {
		version := f.version
		if f.ecosystem == "Go" {
			version = strings.TrimPrefix(version, "v")
		}
		out[strings.Join([]string{f.input, f.ecosystem, strings.ToLower(f.name), version, sets[f.ids[0]]}, "\x00")] = f
	}
	return out
}

// inputName is the SBOM's name without directory and extension, so the purl list and
// the CycloneDX file of one SBOM compare equal.
func inputName(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(strings.TrimSuffix(base, ".purls"), ".cdx.json")
}

func readVigil(path string) ([]finding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []finding
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var r struct {
			Input, Ecosystem, Name, Version, ID string
			Aliases                             []string
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, finding{inputName(r.Input), r.Ecosystem, r.Name, r.Version, append([]string{r.ID}, r.Aliases...)})
	}
	return out, sc.Err()
}

func readOSVScanner(path string) ([]finding, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Results []struct {
			Source struct {
				Path string `json:"path"`
			} `json:"source"`
			Packages []struct {
				Package struct {
					Name, Version, Ecosystem string
				} `json:"package"`
				Groups []struct {
					IDs     []string `json:"ids"`
					Aliases []string `json:"aliases"`
				} `json:"groups"`
			} `json:"packages"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []finding
	for _, r := range doc.Results {
		for _, p := range r.Packages {
			for _, g := range p.Groups {
				ids := append(slices.Clone(g.IDs), g.Aliases...)
				if len(ids) == 0 {
					continue
				}
				out = append(out, finding{inputName(r.Source.Path), p.Package.Ecosystem, p.Package.Name, p.Package.Version, ids})
			}
		}
	}
	return out, nil
}
