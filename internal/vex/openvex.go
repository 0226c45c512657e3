package vex

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/jsonpos"
)

// OpenVEX's justifications for not_affected (OpenVEX specification v0.2.0).
var openVEXJustifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

type ovStatement struct {
	Vulnerability   json.RawMessage   `json:"vulnerability"`
	Products        []json.RawMessage `json:"products"`
	Timestamp       string            `json:"timestamp"`
	LastUpdated     string            `json:"last_updated"`
	Status          string            `json:"status"`
	StatusNotes     string            `json:"status_notes"`
	Justification   string            `json:"justification"`
	ImpactStatement string            `json:"impact_statement"`
	ActionStatement string            `json:"action_statement"`
}

type ovVulnerability struct {
	ID      string   `json:"@id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

type ovProduct struct {
	ID            string            `json:"@id"`
	Identifiers   map[string]string `json:"identifiers"`
	Subcomponents []json.RawMessage `json:"subcomponents"`
}

// ParseOpenVEX reads an OpenVEX document (v0.2.0; v0.0.1's vulnerability and product
// strings too) into one statement per vulnerability × product (× subcomponent). A
// statement that cannot be used is a Problem naming its line; err is a document that is
// not OpenVEX at all, or whose every statement is a problem.
func ParseOpenVEX(name string, data []byte) (Document, error) {
	members, elems, err := jsonpos.Object(data, "statements")
	if err != nil {
		return Document{}, err
	}
	var ctx string
	if json.Unmarshal(members["@context"], &ctx) != nil || !strings.Contains(ctx, "openvex") {
		return Document{}, errors.New(`line 1: not OpenVEX: "@context" should be "https://openvex.dev/ns/v0.2.0"`)
	}
	var head struct {
		ID          string `json:"@id"`
		Author      string `json:"author"`
		Timestamp   string `json:"timestamp"`
		LastUpdated string `json:"last_updated"`
	}
	_ = json.Unmarshal(data, &head) // a member of the wrong type is left empty; the rest is read
	doc := Document{Format: "OpenVEX", ID: head.ID, Author: head.Author}
	docTime, _ := parseTime(cmp.Or(head.LastUpdated, head.Timestamp))
	for i, el := range elems {
		doc.openVEXStatement(name, fmt.Sprintf("statements[%d]", i), el, docTime)
	}
	return doc, nothingUsable(doc)
}

func (d *Document) openVEXStatement(source, at string, el jsonpos.Element, docTime time.Time) {
	var st ovStatement
	if err := jsonpos.Decode(el, &st); err != nil {
		d.problem(at, el.Line, "not an OpenVEX statement: %v", err)
		return
	}
	base, err := st.base(source, at, docTime)
	if err != nil {
		d.problem(at, el.Line, "%v", err)
		return
	}
	if len(st.Products) == 0 {
		d.problem(at, el.Line, "no products: say which product the statement is about")
	}
	for j, raw := range st.Products {
		d.openVEXProduct(base, fmt.Sprintf("%s.products[%d]", at, j), raw, el.Line)
	}
}

// base is what a statement says, before its products are read.
func (st ovStatement) base(source, at string, docTime time.Time) (vigil.VEXStatement, error) {
	v, err := ovVuln(st.Vulnerability)
	if err != nil {
		return vigil.VEXStatement{}, err
	}
	s := vigil.VEXStatement{Vulnerability: v.Name, Aliases: v.Aliases, Status: vigil.VEXStatus(st.Status),
		Justification: st.Justification, Note: cmp.Or(st.ImpactStatement, st.StatusNotes),
		Action: st.ActionStatement, Source: source, Location: at, Time: docTime}
	if st.Justification != "" && !contains(openVEXJustifications, st.Justification) {
		return s, fmt.Errorf("justification %q is not one of OpenVEX's: %s", st.Justification, strings.Join(openVEXJustifications, ", "))
	}
	if ts := cmp.Or(st.LastUpdated, st.Timestamp); ts != "" {
		t, err := parseTime(ts)
		if err != nil {
			return s, fmt.Errorf("timestamp %q: %v", ts, err)
		}
		s.Time = t
	}
	return s, nil
}

// ovVuln reads the vulnerability: an object (v0.2.0) or its name alone (v0.0.1).
func ovVuln(raw json.RawMessage) (ovVulnerability, error) {
	var v ovVulnerability
	if json.Unmarshal(raw, &v.Name) != nil {
		if err := json.Unmarshal(raw, &v); err != nil {
			return v, errors.New(`vulnerability should be an object with a "name" (CVE-2021-44228)`)
		}
	}
	v.Name = strings.TrimSpace(cmp.Or(v.Name, v.ID))
	if v.Name == "" {
		return v, errors.New("vulnerability: no name (give the CVE or other ID)")
	}
	return v, nil
}

// openVEXProduct adds one statement per subcomponent of the product, or one for the
// product itself when it has none.
func (d *Document) openVEXProduct(base vigil.VEXStatement, at string, raw json.RawMessage, line int) {
	p, err := ovProductOf(raw)
	if err != nil {
		d.problem(at, line, "%v", err)
		return
	}
	if len(p.Subcomponents) == 0 {
		d.openVEXPURL(base, at, p, line)
		return
	}
	base.Within = cmp.Or(p.Identifiers["purl"], p.ID)
	for k, sub := range p.Subcomponents {
		sp, err := ovProductOf(sub)
		if err != nil {
			d.problem(fmt.Sprintf("%s.subcomponents[%d]", at, k), line, "%v", err)
			continue
		}
		d.openVEXPURL(base, fmt.Sprintf("%s.subcomponents[%d]", at, k), sp, line)
	}
}

func (d *Document) openVEXPURL(base vigil.VEXStatement, at string, p ovProduct, line int) {
	purl := p.Identifiers["purl"]
	if purl == "" && isPURL(p.ID) {
		purl = p.ID
	}
	base.Location = at
	if purl == "" {
		d.problem(at, line, "product %q has no package URL: vigil matches products by purl (CPEs and hashes are not read); name it as pkg:generic/<name>@<version>%s",
			cmp.Or(p.ID, "without @id"), suggestPURL(p.ID))
		return
	}
	s, err := withPURL(base, purl)
	if err != nil {
		d.problem(at, line, "package URL %q: %v", purl, err)
		return
	}
	d.add(s, line)
}

// ovProductOf reads a product: an object (v0.2.0) or its ID alone (v0.0.1).
func ovProductOf(raw json.RawMessage) (ovProduct, error) {
	var p ovProduct
	if json.Unmarshal(raw, &p.ID) == nil {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, errors.New(`a product should be an object with an "@id" (a package URL)`)
	}
	return p, nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return t, errors.New("not an RFC 3339 time (2024-01-31T12:00:00Z)")
	}
	return t.UTC(), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nothingUsable makes a document whose every statement is a problem an error: nothing in
// it can be applied, and saying so beats an empty result.
func nothingUsable(d Document) error {
	if len(d.Statements) == 0 && len(d.Problems) > 0 {
		return fmt.Errorf("no usable statement (%d problems; the first: %s)", len(d.Problems), d.Problems[0])
	}
	return nil
}

// suggestPURL is the pkg:generic package URL a product named id (a name, or a CPE 2.3)
// could have, for the problem that asks for one: " (here pkg:generic/CarePlan%20Mobile@<version>)",
// or from a CPE with its version " (e.g. pkg:generic/careplan@4.2)"; "" without an id.
func suggestPURL(id string) string {
	name, version := strings.TrimSpace(id), ""
	if f := strings.Split(name, ":"); len(f) >= 6 && f[0] == "cpe" && f[1] == "2.3" {
		name = f[4]
		if f[5] != "*" && f[5] != "-" {
			version = f[5]
		}
	}
	if name == "" || name == "*" {
		return ""
	}
	p := inventory.PURL{Type: "generic", Name: name, Version: version}.String()
	if version == "" {
		return " (here " + p + "@<version>)"
	}
	return " (e.g. " + p + ")"
}
