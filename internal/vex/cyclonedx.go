package vex

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonpos"
)

// CycloneDX's impact analysis justifications (1.4–1.6).
var cdxJustifications = []string{
	"code_not_present", "code_not_reachable", "requires_configuration", "requires_dependency",
	"requires_environment", "protected_by_compiler", "protected_at_runtime",
	"protected_at_perimeter", "protected_by_mitigating_control",
}

// cdxStates maps CycloneDX's analysis states to VEX statuses. A false positive is not
// affected (the finding was wrong); resolved with pedigree is fixed (the fix is shown in
// the component's pedigree).
var cdxStates = map[string]vigil.VEXStatus{
	"not_affected":           vigil.VEXNotAffected,
	"false_positive":         vigil.VEXNotAffected,
	"resolved":               vigil.VEXFixed,
	"resolved_with_pedigree": vigil.VEXFixed,
	"exploitable":            vigil.VEXAffected,
	"in_triage":              vigil.VEXUnderInvestigation,
}

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref"`
	Group      string         `json:"group"`
	Name       string         `json:"name"`
	Version    string         `json:"version"`
	PURL       string         `json:"purl"`
	Publisher  string         `json:"publisher"`
	Components []cdxComponent `json:"components"`
}

type cdxVulnerability struct {
	ID         string `json:"id"`
	References []struct {
		ID string `json:"id"`
	} `json:"references"`
	Analysis *struct {
		State         string   `json:"state"`
		Justification string   `json:"justification"`
		Response      []string `json:"response"`
		Detail        string   `json:"detail"`
		FirstIssued   string   `json:"firstIssued"`
		LastUpdated   string   `json:"lastUpdated"`
	} `json:"analysis"`
	Recommendation string `json:"recommendation"`
	Affects        []struct {
		Ref      string `json:"ref"`
		Versions []struct {
			Version string `json:"version"`
			Range   string `json:"range"`
		} `json:"versions"`
	} `json:"affects"`
	Published string `json:"published"`
	Updated   string `json:"updated"`
}

type cdxHead struct {
	BOMFormat    string `json:"bomFormat"`
	SpecVersion  string `json:"specVersion"`
	SerialNumber string `json:"serialNumber"`
	Metadata     struct {
		Timestamp   string        `json:"timestamp"`
		Component   *cdxComponent `json:"component"`
		Manufacture *struct {
			Name string `json:"name"`
		} `json:"manufacture"`
		Supplier *struct {
			Name string `json:"name"`
		} `json:"supplier"`
	} `json:"metadata"`
	Components []cdxComponent `json:"components"`
}

// ParseCycloneDX reads the vulnerabilities of a CycloneDX JSON document (1.4–1.6) that
// carry an analysis into one statement per vulnerability × affected component. An
// affects ref is resolved against the document's bom-refs (a BOM-Link's fragment too), or
// read as a package URL. A vulnerability that cannot be used is a Problem naming its
// line; err is a document that is not CycloneDX, or whose every statement is a problem.
func ParseCycloneDX(name string, data []byte) (Document, error) {
	_, elems, err := jsonpos.Object(data, "vulnerabilities")
	if err != nil {
		return Document{}, err
	}
	var head cdxHead
	_ = json.Unmarshal(data, &head) // a member of the wrong type is left empty; the rest is read
	if head.BOMFormat != "CycloneDX" {
		return Document{}, errors.New(`line 1: not CycloneDX: "bomFormat" should be "CycloneDX"`)
	}
	doc := Document{Format: "CycloneDX", ID: head.SerialNumber, Author: head.author()}
	if !strings.HasPrefix(head.SpecVersion, "1.") {
		doc.problem("specVersion", 1, "CycloneDX %q: vigil reads 1.4 to 1.6; read as if 1.6", head.SpecVersion)
	}
	refs := head.refs()
	docTime, _ := parseTime(head.Metadata.Timestamp)
	for i, el := range elems {
		doc.cdxVulnerability(name, fmt.Sprintf("vulnerabilities[%d]", i), el, refs, docTime)
	}
	return doc, nothingUsable(doc)
}

func (h cdxHead) author() string {
	switch {
	case h.Metadata.Manufacture != nil:
		return h.Metadata.Manufacture.Name
	case h.Metadata.Supplier != nil:
		return h.Metadata.Supplier.Name
	}
	return ""
}

// refs indexes every component of the document, nested ones and the BOM's subject
// included, by bom-ref.
func (h cdxHead) refs() map[string]cdxComponent {
	out := map[string]cdxComponent{}
	var walk func([]cdxComponent)
	walk = func(list []cdxComponent) {
		for _, c := range list {
			if c.BOMRef != "" {
				out[c.BOMRef] = c
			}
			walk(c.Components)
		}
	}
	if h.Metadata.Component != nil {
		walk([]cdxComponent{*h.Metadata.Component})
	}
	walk(h.Components)
	return out
}

func (d *Document) cdxVulnerability(source, at string, el jsonpos.Element, refs map[string]cdxComponent, docTime time.Time) {
	var v cdxVulnerability
	if err := jsonpos.Decode(el, &v); err != nil {
		d.problem(at, el.Line, "not a CycloneDX vulnerability: %v", err)
		return
	}
	base, err := v.base(source, at, docTime)
	if err != nil {
		d.problem(at, el.Line, "%v", err)
		return
	}
	if len(v.Affects) == 0 {
		d.problem(at, el.Line, "no affects: say which component the analysis is about")
	}
	for j, a := range v.Affects {
		loc := fmt.Sprintf("%s.affects[%d]", at, j)
		var versions []string
		for _, ver := range a.Versions {
			if ver.Version != "" {
				versions = append(versions, ver.Version)
			}
		}
		d.cdxAffects(base, loc, a.Ref, versions, refs, el.Line)
	}
}

// base is what the vulnerability's analysis says, before its affects are read.
func (v cdxVulnerability) base(source, at string, docTime time.Time) (vigil.VEXStatement, error) {
	if strings.TrimSpace(v.ID) == "" {
		return vigil.VEXStatement{}, errors.New("no id: give the vulnerability's ID (CVE-2021-44228)")
	}
	if v.Analysis == nil || v.Analysis.State == "" {
		return vigil.VEXStatement{}, fmt.Errorf("%s has no analysis.state, so it says nothing about being affected", v.ID)
	}
	an := v.Analysis
	status, ok := cdxStates[an.State]
	if !ok {
		return vigil.VEXStatement{}, fmt.Errorf("analysis.state %q is not a CycloneDX state: use not_affected, false_positive, resolved, resolved_with_pedigree, exploitable or in_triage", an.State)
	}
	if an.Justification != "" && !contains(cdxJustifications, an.Justification) {
		return vigil.VEXStatement{}, fmt.Errorf("analysis.justification %q is not one of CycloneDX's: %s", an.Justification, strings.Join(cdxJustifications, ", "))
	}
	s := vigil.VEXStatement{Vulnerability: strings.TrimSpace(v.ID), Status: status, Justification: an.Justification,
		Note: an.Detail, Action: cdxAction(v.Recommendation, an.Response), Source: source, Location: at, Time: docTime}
	if an.State == "false_positive" && s.Justification == "" {
		s.Justification = "false_positive"
	}
	for _, r := range v.References {
		if r.ID != "" && r.ID != s.Vulnerability {
			s.Aliases = append(s.Aliases, r.ID)
		}
	}
	if ts := cmp.Or(an.LastUpdated, an.FirstIssued, v.Updated, v.Published); ts != "" {
		t, err := parseTime(ts)
		if err != nil {
			return s, fmt.Errorf("time %q: %v", ts, err)
		}
		s.Time = t
	}
	return s, nil
}

// cdxAction joins the recommendation and the responses (update, workaround_available…).
func cdxAction(recommendation string, response []string) string {
	if len(response) == 0 {
		return recommendation
	}
	r := "response: " + strings.Join(response, ", ")
	if recommendation == "" {
		return r
	}
	return recommendation + " (" + r + ")"
}

// cdxAffects adds the statement about one affected ref: the component it names, at the
// component's version, or at each version the affects entry lists when the component
// gives none.
func (d *Document) cdxAffects(base vigil.VEXStatement, at, ref string, versions []string, refs map[string]cdxComponent, line int) {
	base.Location = at
	s, err := resolveRef(base, ref, refs)
	if err != nil {
		d.problem(at, line, "%v", err)
		return
	}
	if s.Version != "" || len(versions) == 0 {
		d.add(s, line)
		return
	}
	for _, v := range versions {
		sv := s
		sv.Version = v
		d.add(sv, line)
	}
}

// resolveRef finds the component a ref names: a bom-ref of the document (or the fragment
// of a BOM-Link, urn:cdx:serial/version#bom-ref), or a package URL.
func resolveRef(base vigil.VEXStatement, ref string, refs map[string]cdxComponent) (vigil.VEXStatement, error) {
	key := strings.TrimSpace(ref)
	if strings.HasPrefix(key, "urn:cdx:") {
		if _, frag, ok := strings.Cut(key, "#"); ok {
			key = frag
		}
	}
	c, found := refs[key]
	switch {
	case found && c.PURL != "":
		s, err := withPURL(base, c.PURL)
		if err != nil {
			return s, fmt.Errorf("ref %q: package URL %q: %v", ref, c.PURL, err)
		}
		if s.Version == "" {
			s.Version = c.Version
		}
		return s, nil
	case found:
		base.Name, base.Version, base.Vendor = c.Name, c.Version, cmp.Or(c.Publisher, c.Group)
		return base, nil
	case isPURL(key):
		s, err := withPURL(base, key)
		if err != nil {
			return s, fmt.Errorf("ref %q: %v", ref, err)
		}
		return s, nil
	case key == "":
		return base, errors.New("affects entry with no ref")
	}
	return base, fmt.Errorf("ref %q names no component of this document: give the component (with its purl) in components, or use the package URL as the ref", ref)
}
