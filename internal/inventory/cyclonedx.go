package inventory

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// cdxBOM is the part of a CycloneDX JSON BOM (1.2–1.6) an inventory needs.
type cdxBOM struct {
	BOMFormat   string `json:"bomFormat"`
	SpecVersion string `json:"specVersion"`
	Metadata    struct {
		Supplier    *cdxOrg `json:"supplier"`
		Manufacture *cdxOrg `json:"manufacture"`
	} `json:"metadata"`
	Components []json.RawMessage `json:"components"`
}

type cdxOrg struct {
	Name string `json:"name"`
}

type cdxComponent struct {
	Type       string            `json:"type"`
	BOMRef     string            `json:"bom-ref"`
	Group      string            `json:"group"`
	Name       string            `json:"name"`
	Version    string            `json:"version"`
	PURL       string            `json:"purl"`
	Publisher  string            `json:"publisher"`
	Supplier   *cdxOrg           `json:"supplier"`
	Components []json.RawMessage `json:"components"`
}

// parseCycloneDX reads every component, nested ones included. The BOM's supplier (or
// manufacturer) is the supplier of components that name none, as a nested component's
// is its parent's: the organisation gets them all from that supplier.
func parseCycloneDX(inv *Inventory, data []byte) error {
	var bom cdxBOM
	if err := json.Unmarshal(data, &bom); err != nil {
		return jsonError(data, err)
	}
	if !strings.HasPrefix(bom.SpecVersion, "1.") {
		inv.addProblem("specVersion", "CycloneDX %q: vigil reads 1.2 to 1.6; read as if 1.6", bom.SpecVersion)
	}
	supplier := orgName(bom.Metadata.Supplier)
	if supplier == "" {
		supplier = orgName(bom.Metadata.Manufacture)
	}
	inv.cdxComponents(bom.Components, "components", supplier)
	return nil
}

func orgName(o *cdxOrg) string {
	if o == nil {
		return ""
	}
	return strings.TrimSpace(o.Name)
}

// cdxComponents decodes each component on its own, so one malformed component is a
// Problem and its siblings are still read.
func (inv *Inventory) cdxComponents(list []json.RawMessage, path, supplier string) {
	for i, raw := range list {
		at := path + "[" + strconv.Itoa(i) + "]"
		var c cdxComponent
		if err := json.Unmarshal(raw, &c); err != nil {
			inv.addProblem(at, "not a CycloneDX component: %v", err)
			continue
		}
		own := supplier
		if s := orgName(c.Supplier); s != "" {
			own = s
		}
		inv.cdxComponent(c, at, own)
		inv.cdxComponents(c.Components, at+".components", own)
	}
}

func (inv *Inventory) cdxComponent(c cdxComponent, at, supplier string) {
	location := at
	if c.BOMRef != "" {
		location = at + " (" + c.BOMRef + ")"
	}
	comp, ok := inv.fromPURLOrName(c.PURL, c.Name, location)
	if !ok {
		return
	}
	if comp.Ecosystem == "" && c.PURL == "" {
		comp.Vendor, comp.Product = cmp.Or(c.Publisher, c.Group), c.Name
	}
	if v := strings.TrimSpace(c.Version); v != "" {
		comp.Version = osvVersion(comp.Ecosystem, v)
	}
	comp.Supplier = supplier
	comp.Location = location
	inv.add(comp)
}

// fromPURLOrName is the component a purl names, or, without a usable purl, one named
// only by its name (kept with no ecosystem, so it is counted as unmatched, not lost). A
// bad purl is also a Problem; with neither purl nor name there is nothing to keep.
func (inv *Inventory) fromPURLOrName(purl, name, location string) (vigil.Component, bool) {
	if purl != "" {
		c, err := componentFromPURL(purl)
		if err == nil {
			return c, true
		}
		inv.addProblem(location, "package URL %q: %v", purl, err)
	}
	name = strings.TrimSpace(name)
	if name == "" {
		inv.addProblem(location, "a component with neither a name nor a package URL")
		return vigil.Component{}, false
	}
	return vigil.Component{Name: name, Product: name}, true
}

// jsonError names the line of a JSON syntax error, so the uploader can find it.
func jsonError(data []byte, err error) error {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Errorf("line %d: not valid JSON: %v", lineAt(data, se.Offset), se)
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Errorf("line %d: %s is %s, expected %s", lineAt(data, te.Offset), cmp.Or(te.Field, "the document"), te.Value, te.Type)
	}
	return err
}
