package pages

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
)

// suppliedRoutes are a supplier's vulnerability pages (the vulnerabilities its customers'
// inventories show in what it supplies, and its "fixed in version X" attestation) and
// the analyst's confirmation before applying an attestation at once.
func (p *Pages) suppliedRoutes() []route {
	return []route{
		{"GET /vulnerabilities", p.suppliedList},
		{"GET /vulnerabilities/{id}", p.suppliedVuln},
		{"POST /vulnerabilities/{id}/attestation", p.suppliedAttest},
		{"GET /exposure/{id}/attestations/{supplier}/apply", p.attestationConfirm},
		{"POST /exposure/{id}/attestations/{supplier}/apply", p.attestationApply},
	}
}

// suppliedList answers a supplier's "which of my software has a known vulnerability at
// my customers, and how far are they?": one row per vulnerability, still affecting
// someone first.
func (p *Pages) suppliedList(w http.ResponseWriter, r *http.Request) {
	pr, err := suppliedPrincipal(r, p)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.app.Exposure.Supplied(r.Context(), pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "supplied.html", &view{Title: "Vulnerabilities in what you supply", Data: list})
}

// suppliedVulnData is one vulnerability as its supplier sees it, with the attestation form.
type suppliedVulnData struct {
	V exposure.SuppliedVulnerability
	// Rows are the customers with how far each is.
	Rows []customerProgress
	// Versions lists the affected components and versions, for the form's hint.
	Versions string
	// FixedVersion and Note are what the form holds.
	FixedVersion, Note string
}

// customerProgress is one customer's finding with how far it is, in words.
type customerProgress struct {
	exposure.CustomerFinding
	Progress tag
}

// suppliedVuln shows one vulnerability in the supplier's software: each customer's
// affected components and how far it is, the supplier's attestation, and the form to
// attest "fixed in version X".
func (p *Pages) suppliedVuln(w http.ResponseWriter, r *http.Request) {
	p.renderSupplied(w, r, http.StatusOK, nil, "", "")
}

// suppliedAttest records the supplier's "fixed in version X" with its note; a refused
// form comes back with what was typed and the problem at the top.
func (p *Pages) suppliedAttest(w http.ResponseWriter, r *http.Request) {
	pr, err := suppliedPrincipal(r, p)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	fixed, note := r.PostFormValue("fixed_version"), r.PostFormValue("note")
	_, err = p.app.Exposure.Attest(r.Context(), pr, r.PathValue("id"), fixed, note)
	var fe *vigil.FieldError
	if errors.As(err, &fe) {
		msg := capitalise(strings.TrimPrefix(vigil.ErrorMessage(err), fe.Field+": "))
		p.renderSupplied(w, r, http.StatusBadRequest, []fieldError{{fe.Field, msg}}, fixed, note)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/vulnerabilities/"+url.PathEscape(r.PathValue("id"))+"?done=attested", http.StatusSeeOther)
}

// renderSupplied renders a vulnerability's supplier page with status, the form's
// problems and what it holds; an empty form holds the last attestation.
func (p *Pages) renderSupplied(w http.ResponseWriter, r *http.Request, status int, errs []fieldError, fixed, note string) {
	pr, err := suppliedPrincipal(r, p)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v, err := p.app.Exposure.SuppliedVulnerability(r.Context(), pr, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := suppliedVulnData{V: v, FixedVersion: fixed, Note: note}
	if errs == nil {
		d.FixedVersion, d.Note = v.Attestation.FixedVersion, v.Attestation.Note
	}
	var versions []string
	for _, c := range v.Customers {
		d.Rows = append(d.Rows, customerProgress{c, progress(c.Finding)})
		for _, comp := range c.Finding.Components {
			versions = append(versions, comp.Name+" "+comp.Version)
		}
	}
	slices.Sort(versions)
	d.Versions = strings.Join(slices.Compact(versions), ", ")
	p.render(w, r, status, "supplied_vuln.html", &view{Title: v.Vuln.Vuln, Errors: errs, Data: d})
}

// progress says how far a customer is with a finding: closed, overdue, being dealt
// with or needing action.
func progress(e vigil.Exposure) tag {
	switch {
	case !e.FixedAt.IsZero():
		return tag{"Closed " + formatDay(e.FixedAt), "nhsuk-tag--green"}
	case e.Overdue:
		return tag{"Overdue", "nhsuk-tag--red"}
	case e.AlertStatus == vigil.AlertAcknowledged:
		return tag{"Being dealt with", "nhsuk-tag--blue"}
	}
	return tag{"Needs action", "nhsuk-tag--orange"}
}

// suppliedPrincipal is the signed-in supplier; these pages are a supplier's view.
func suppliedPrincipal(r *http.Request, p *Pages) (vigil.Principal, error) {
	pr, err := principal(r)
	if err == nil && pr.Role != vigil.RoleSupplier {
		err = vigil.Errorf(vigil.ENOTFOUND, "this page is for suppliers: the vulnerabilities found in your organisation's software are under Alerts")
	}
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	return pr, err
}

// attestationData is the analyst's confirmation before closing a supplier's customers'
// findings at once.
type attestationData struct {
	ID   string
	A    exposure.AttestationState
	Note string // the analyst's own words, when the form comes back with a problem
}

// attestationConfirm asks the analyst to confirm closing the customers' findings now,
// showing which customers and the note each alert will be closed with.
func (p *Pages) attestationConfirm(w http.ResponseWriter, r *http.Request) {
	pr, err := exposurePrincipal(r, p)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.showAttestationConfirm(w, r, pr, http.StatusOK, nil)
}

// showAttestationConfirm renders the confirmation, with the problems of the form sent.
func (p *Pages) showAttestationConfirm(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError) {
	a, err := p.app.Exposure.Attestation(r.Context(), pr, r.PathValue("id"), r.PathValue("supplier"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, status, "attestation_apply.html", &view{Title: "Close the customers' findings now", Errors: errs,
		Data: attestationData{ID: r.PathValue("id"), A: a, Note: r.PostFormValue("note")}})
}

// attestationApply applies the supplier's attestation: its customers' findings in its
// software close at once, whatever version their inventories show.
func (p *Pages) attestationApply(w http.ResponseWriter, r *http.Request) {
	pr, err := exposurePrincipal(r, p)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	_, err = p.app.Exposure.ApplyAttestation(r.Context(), pr, r.PathValue("id"), r.PathValue("supplier"), r.PostFormValue("note"))
	var fe *vigil.FieldError
	if errors.As(err, &fe) {
		p.showAttestationConfirm(w, r, pr, http.StatusUnprocessableEntity, errorOn(fe.Field, err))
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/exposure/"+url.PathEscape(r.PathValue("id"))+"?done=attestation-applied", http.StatusSeeOther)
}

// exposurePrincipal is the signed-in person, when vulnerability matching runs.
func exposurePrincipal(r *http.Request, p *Pages) (vigil.Principal, error) {
	pr, err := principal(r)
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	return pr, err
}
