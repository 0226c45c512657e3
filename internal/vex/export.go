package vex

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
)

// Meta describes a document being written.
type Meta struct {
	// ID is the document's ID (an IRI for OpenVEX; a urn:uuid for CycloneDX); empty for
	// one derived from the statements, so the same statements give the same document.
	ID string
	// Author is who stands behind the statements; empty for "vigil".
	Author string
	// Time is when the document was written; zero for the latest statement's time.
	Time time.Time
}

// toOpenVEXJustification maps CycloneDX's justifications to OpenVEX's nearest one.
var toOpenVEXJustification = map[string]string{
	"code_not_present":                "vulnerable_code_not_present",
	"code_not_reachable":              "vulnerable_code_not_in_execute_path",
	"requires_configuration":          "vulnerable_code_cannot_be_controlled_by_adversary",
	"requires_dependency":             "component_not_present",
	"requires_environment":            "vulnerable_code_cannot_be_controlled_by_adversary",
	"protected_by_compiler":           "inline_mitigations_already_exist",
	"protected_at_runtime":            "inline_mitigations_already_exist",
	"protected_at_perimeter":          "inline_mitigations_already_exist",
	"protected_by_mitigating_control": "inline_mitigations_already_exist",
}

// toCDXJustification maps OpenVEX's justifications to CycloneDX's nearest one.
var toCDXJustification = map[string]string{
	"component_not_present":                             "code_not_present",
	"vulnerable_code_not_present":                       "code_not_present",
	"vulnerable_code_not_in_execute_path":               "code_not_reachable",
	"vulnerable_code_cannot_be_controlled_by_adversary": "requires_environment",
	"inline_mitigations_already_exist":                  "protected_by_mitigating_control",
}

// toCDXState maps a status to CycloneDX's analysis state.
var toCDXState = map[vigil.VEXStatus]string{
	vigil.VEXNotAffected: "not_affected", vigil.VEXFixed: "resolved",
	vigil.VEXAffected: "exploitable", vigil.VEXUnderInvestigation: "in_triage",
}

type ovOutStatement struct {
	Vulnerability   ovOutVuln      `json:"vulnerability"`
	Timestamp       string         `json:"timestamp,omitempty"`
	Products        []ovOutProduct `json:"products"`
	Status          string         `json:"status"`
	Justification   string         `json:"justification,omitempty"`
	ImpactStatement string         `json:"impact_statement,omitempty"`
	ActionStatement string         `json:"action_statement,omitempty"`
}

type ovOutVuln struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

type ovOutProduct struct {
	ID            string         `json:"@id"`
	Subcomponents []ovOutProduct `json:"subcomponents,omitempty"`
}

// WriteOpenVEX writes statements as an OpenVEX v0.2.0 document. A CycloneDX justification
// is written as OpenVEX's nearest (see docs/vulnerabilities.md) and named in the impact
// statement, so nothing said is lost; a product without a package URL gets a pkg:generic
// one from its vendor, name and version.
func WriteOpenVEX(w io.Writer, meta Meta, statements []vigil.VEXStatement) error {
	doc := struct {
		Context    string           `json:"@context"`
		ID         string           `json:"@id"`
		Author     string           `json:"author"`
		Timestamp  string           `json:"timestamp"`
		Version    int              `json:"version"`
		Tooling    string           `json:"tooling"`
		Statements []ovOutStatement `json:"statements"`
	}{Context: "https://openvex.dev/ns/v0.2.0", Author: cmp.Or(meta.Author, "vigil"),
		Timestamp: docTime(meta, statements), Version: 1, Tooling: "vigil", Statements: []ovOutStatement{}}
	doc.ID = cmp.Or(meta.ID, "urn:vigil:vex:"+digest(statements)[:32])
	for _, s := range statements {
		doc.Statements = append(doc.Statements, openVEXOut(s))
	}
	return writeJSON(w, doc)
}

func openVEXOut(s vigil.VEXStatement) ovOutStatement {
	out := ovOutStatement{Vulnerability: ovOutVuln{Name: s.Vulnerability, Aliases: s.Aliases},
		Status: string(s.Status), Justification: s.Justification, ImpactStatement: s.Note,
		ActionStatement: s.Action, Timestamp: timeText(s.Time)}
	if s.Justification != "" && !contains(openVEXJustifications, s.Justification) {
		out.Justification = toOpenVEXJustification[s.Justification]
		out.ImpactStatement = strings.TrimSpace(s.Note + " (CycloneDX justification: " + s.Justification + ")")
	}
	product := ovOutProduct{ID: productPURL(s)}
	if s.Within != "" {
		product = ovOutProduct{ID: s.Within, Subcomponents: []ovOutProduct{product}}
	}
	out.Products = []ovOutProduct{product}
	return out
}

// productPURL is the package URL of the statement's product at the statement's version.
func productPURL(s vigil.VEXStatement) string {
	if s.Product != "" {
		if p, err := inventory.ParsePURL(s.Product); err == nil {
			if c, err := inventory.ComponentOfPURL(s.Product); err == nil && c.Version != s.Version {
				p.Version = s.Version
				if p.Type == "golang" && s.Version != "" && !strings.HasPrefix(s.Version, "v") {
					p.Version = "v" + s.Version
				}
			}
			return p.String()
		}
	}
	if purl := inventory.PackageURL(s.Ecosystem, s.Name, s.Version); purl != "" {
		return purl
	}
	return inventory.PURL{Type: "generic", Namespace: s.Vendor, Name: s.Name, Version: s.Version}.String()
}

type cdxOutComponent struct {
	Type    string `json:"type"`
	BOMRef  string `json:"bom-ref"`
	Group   string `json:"group,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
}

type cdxOutVuln struct {
	ID             string         `json:"id"`
	References     []cdxOutRef    `json:"references,omitempty"`
	Analysis       cdxOutAnalysis `json:"analysis"`
	Recommendation string         `json:"recommendation,omitempty"`
	Affects        []cdxOutRefTo  `json:"affects"`
}

type cdxOutRef struct {
	ID     string `json:"id"`
	Source struct {
		Name string `json:"name"`
	} `json:"source"`
}

type cdxOutAnalysis struct {
	State         string `json:"state"`
	Justification string `json:"justification,omitempty"`
	Detail        string `json:"detail,omitempty"`
	LastUpdated   string `json:"lastUpdated,omitempty"`
}

type cdxOutRefTo struct {
	Ref string `json:"ref"`
}

// WriteCycloneDX writes statements as a CycloneDX 1.6 VEX document: the products as
// components (bom-ref = package URL), one vulnerability per statement. Statuses map to
// analysis states (fixed → resolved, affected → exploitable, under_investigation →
// in_triage); an OpenVEX justification is written as CycloneDX's nearest and named in the
// detail.
func WriteCycloneDX(w io.Writer, meta Meta, statements []vigil.VEXStatement) error {
	doc := struct {
		BOMFormat       string            `json:"bomFormat"`
		SpecVersion     string            `json:"specVersion"`
		SerialNumber    string            `json:"serialNumber"`
		Version         int               `json:"version"`
		Metadata        any               `json:"metadata"`
		Components      []cdxOutComponent `json:"components"`
		Vulnerabilities []cdxOutVuln      `json:"vulnerabilities"`
	}{BOMFormat: "CycloneDX", SpecVersion: "1.6", Version: 1, Components: []cdxOutComponent{}, Vulnerabilities: []cdxOutVuln{}}
	doc.SerialNumber = meta.ID
	if !strings.HasPrefix(doc.SerialNumber, "urn:uuid:") {
		doc.SerialNumber = uuidOf(digest(statements))
	}
	doc.Metadata = map[string]any{"timestamp": docTime(meta, statements),
		"manufacture": map[string]string{"name": cmp.Or(meta.Author, "vigil")}}
	refs := map[string]bool{}
	for _, s := range statements {
		c := cdxComponentOut(s)
		if !refs[c.BOMRef] {
			refs[c.BOMRef] = true
			doc.Components = append(doc.Components, c)
		}
		doc.Vulnerabilities = append(doc.Vulnerabilities, cdxVulnOut(s, c.BOMRef))
	}
	return writeJSON(w, doc)
}

func cdxComponentOut(s vigil.VEXStatement) cdxOutComponent {
	purl := productPURL(s)
	c := cdxOutComponent{Type: "library", BOMRef: purl, Name: s.Name, Version: s.Version, PURL: purl}
	if p, err := inventory.ParsePURL(purl); err == nil {
		c.Group, c.Name = p.Namespace, p.Name // CycloneDX splits Maven's group:artifact, npm's scope
	}
	if s.Ecosystem == "" {
		c.Type, c.Group, c.Name = "application", s.Vendor, s.Name
	}
	return c
}

func cdxVulnOut(s vigil.VEXStatement, ref string) cdxOutVuln {
	v := cdxOutVuln{ID: s.Vulnerability, Recommendation: s.Action, Affects: []cdxOutRefTo{{Ref: ref}},
		Analysis: cdxOutAnalysis{State: toCDXState[s.Status], Justification: s.Justification, Detail: s.Note,
			LastUpdated: timeText(s.Time)}}
	switch {
	case s.Justification == "false_positive":
		v.Analysis.State, v.Analysis.Justification = "false_positive", ""
	case s.Justification != "" && !contains(cdxJustifications, s.Justification):
		v.Analysis.Justification = toCDXJustification[s.Justification]
		v.Analysis.Detail = strings.TrimSpace(s.Note + " (OpenVEX justification: " + s.Justification + ")")
	}
	for _, a := range s.Aliases {
		r := cdxOutRef{ID: a}
		r.Source.Name = idSource(a)
		v.References = append(v.References, r)
	}
	return v
}

// idSource names the database an ID comes from, as CycloneDX references need one.
func idSource(id string) string {
	switch prefix, _, _ := strings.Cut(strings.ToUpper(id), "-"); prefix {
	case "CVE":
		return "NVD"
	case "GHSA":
		return "GitHub Advisories"
	}
	return "OSV"
}

func docTime(meta Meta, statements []vigil.VEXStatement) string {
	t := meta.Time
	if t.IsZero() {
		for _, s := range statements {
			if s.Time.After(t) {
				t = s.Time
			}
		}
	}
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// digest is a hash of the statements, for IDs that stay the same for the same content.
func digest(statements []vigil.VEXStatement) string {
	b, _ := json.Marshal(statements)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// uuidOf shapes a hex digest as a version 8 (custom) UUID URN.
func uuidOf(h string) string {
	return fmt.Sprintf("urn:uuid:%s-%s-8%s-%x%s-%s", h[0:8], h[8:12], h[13:16], 0x8|(hexVal(h[16])&0x3), h[17:20], h[20:32])
}

func hexVal(c byte) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
