package inventory

import (
	"cmp"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// spdxDocument is the part of an SPDX 2.2/2.3 JSON document an inventory needs.
type spdxDocument struct {
	SPDXVersion string            `json:"spdxVersion"`
	Packages    []json.RawMessage `json:"packages"`
}

type spdxPackage struct {
	SPDXID       string `json:"SPDXID"`
	Name         string `json:"name"`
	VersionInfo  string `json:"versionInfo"`
	Supplier     string `json:"supplier"`
	Originator   string `json:"originator"`
	ExternalRefs []struct {
		Category string `json:"referenceCategory"`
		Type     string `json:"referenceType"`
		Locator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

// errSPDX3 refuses SPDX 3 JSON-LD, whose graph of elements vigil does not read yet.
var errSPDX3 = errors.New("SPDX 3.0 JSON-LD is not read yet: export the SBOM as SPDX 2.3 JSON (or CycloneDX)")

// parseSPDX reads every package; the purl among its external references places it in
// an ecosystem, and a package without one is kept by name with no ecosystem.
func parseSPDX(inv *Inventory, data []byte) error {
	var doc spdxDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return jsonError(data, err)
	}
	if !strings.HasPrefix(doc.SPDXVersion, "SPDX-2.") {
		inv.addProblem("spdxVersion", "SPDX version %q: vigil reads SPDX-2.2 and SPDX-2.3; read as if 2.3", doc.SPDXVersion)
	}
	for i, raw := range doc.Packages {
		at := "packages[" + strconv.Itoa(i) + "]"
		var p spdxPackage
		if err := json.Unmarshal(raw, &p); err != nil {
			inv.addProblem(at, "not an SPDX package: %v", err)
			continue
		}
		inv.spdxPackage(p, at)
	}
	return nil
}

func (inv *Inventory) spdxPackage(p spdxPackage, at string) {
	location := at
	if p.SPDXID != "" {
		location = at + " (" + p.SPDXID + ")"
	}
	comp, ok := inv.fromPURLOrName(spdxPURL(p), p.Name, location)
	if !ok {
		return
	}
	if v := spdxValue(p.VersionInfo); v != "" {
		comp.Version = osvVersion(comp.Ecosystem, v)
	}
	comp.Supplier = spdxAgent(p.Supplier)
	if comp.Ecosystem == "" && comp.Vendor == "" {
		comp.Vendor = cmp.Or(comp.Supplier, spdxAgent(p.Originator))
	}
	comp.Location = location
	inv.add(comp)
}

// spdxPURL is the package's purl external reference ("PACKAGE-MANAGER" in 2.3,
// "PACKAGE_MANAGER" in 2.2), or "".
func spdxPURL(p spdxPackage) string {
	for _, r := range p.ExternalRefs {
		if strings.EqualFold(r.Type, "purl") {
			return r.Locator
		}
	}
	return ""
}

// spdxValue drops SPDX's NOASSERTION and NONE, which say nothing.
func spdxValue(s string) string {
	s = strings.TrimSpace(s)
	if s == "NOASSERTION" || s == "NONE" {
		return ""
	}
	return s
}

// spdxAgent is the name in "Organization: SPDX (spdx@example.org)" or "Person: Jane Doe".
func spdxAgent(s string) string {
	s = spdxValue(s)
	if _, after, ok := strings.Cut(s, ":"); ok {
		s = after
	}
	if i := strings.Index(s, " ("); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
