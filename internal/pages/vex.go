package pages

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/vex"
)

func (p *Pages) vexRoutes() []route {
	return []route{
		{"GET /vex", p.vexShow},
		{"POST /vex", p.vexUpload},
		{"POST /vex/delete", p.vexDelete},
	}
}

// vexData is the VEX page: the organisation's (or the supplier's) VEX documents, their
// statements, the findings they closed, and the upload form.
type vexData struct {
	Org      string
	Ask      bool // the sector viewer must name an organisation first
	Held     exposure.VEXHeld
	Board    bool          // the viewer may open the exposure board's pages
	Problems []vex.Problem // the statements the last upload left out
	Name     string        // the name the upload form was sent with
	// Statements are the first maxVEXShown of Held.Statements: the downloads hold all.
	Statements []vigil.VEXStatement
}

// maxVEXShown is how many statements the page lists; a supplier's run to thousands.
const maxVEXShown = 500

// vexStatusWords says a VEX status as people would.
func vexStatusWords(s vigil.VEXStatus) string {
	switch s {
	case vigil.VEXNotAffected:
		return "Not affected"
	case vigil.VEXAffected:
		return "Affected"
	case vigil.VEXFixed:
		return "Fixed"
	case vigil.VEXUnderInvestigation:
		return "Under investigation"
	}
	return string(s)
}

// vexShow is the VEX page, or, with ?format=openvex|cyclonedx, its statements as one
// document to download.
func (p *Pages) vexShow(w http.ResponseWriter, r *http.Request) {
	pr, err := p.vexPrincipal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := vexData{Org: orgParam(r, pr)}
	if d.Org == "" && sectorRole(pr) {
		d.Ask = true
		p.render(w, r, http.StatusOK, "vex.html", &view{Title: "VEX statements", Data: d})
		return
	}
	if format := r.URL.Query().Get("format"); format != "" {
		p.vexDownload(w, r, pr, d.Org, format)
		return
	}
	if err := p.vexPage(r, pr, &d); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "vex.html", &view{Title: "VEX statements", Data: d})
}

// vexPrincipal is who is asking, when this server checks vulnerabilities at all.
func (p *Pages) vexPrincipal(r *http.Request) (vigil.Principal, error) {
	pr, err := principal(r)
	if err == nil && p.app.Exposure == nil {
		err = vigil.Errorf(vigil.EUNAVAILABLE, "vulnerability matching is not running on this server")
	}
	return pr, err
}

// vexPage fills d with what vigil holds of the organisation's or supplier's statements.
func (p *Pages) vexPage(r *http.Request, pr vigil.Principal, d *vexData) error {
	var err error
	d.Held, err = p.app.Exposure.VEX(r.Context(), pr, d.Org)
	d.Board = pr.Need(vigil.AlertWorkers...) == nil
	d.Statements = d.Held.Statements[:min(len(d.Held.Statements), maxVEXShown)]
	return err
}

// vexDownload sends the statements as one OpenVEX or CycloneDX document.
func (p *Pages) vexDownload(w http.ResponseWriter, r *http.Request, pr vigil.Principal, org, format string) {
	data, err := p.app.Exposure.ExportBuffer(r.Context(), pr, org, format)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	name := org + ".openvex.json"
	if format == "cyclonedx" {
		name = org + ".cdx.json"
	}
	attachment(w, name, "application/json", data)
}

// vexUpload keeps the statements of the file the form sent, then shows the page with
// what was kept and what was left out, line by line. A file with nothing usable is
// refused (400) with its problems; the statements held before stay as they were.
func (p *Pages) vexUpload(w http.ResponseWriter, r *http.Request) {
	pr, err := p.vexPrincipal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org := orgParam(r, pr)
	name := strings.TrimSpace(r.PostFormValue("name"))
	var up exposure.VEXUpload
	data, fileName, err := vexFile(r)
	if err == nil {
		name = cmp.Or(name, fileName)
		up, err = p.app.Exposure.UploadVEX(r.Context(), pr, org, name, data)
	}
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.vexRefused(w, r, pr, vexData{Org: org, Name: r.PostFormValue("name"), Problems: up.Problems}, err)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := vexData{Org: org, Problems: up.Problems}
	if err := p.vexPage(r, pr, &d); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "vex.html", &view{Title: "VEX statements", Done: uploadedWords(name, up), Data: d})
}

// vexFile reads the uploaded file, up to the largest VEX document vigil reads.
func vexFile(r *http.Request) ([]byte, string, error) {
	f, h, err := r.FormFile("file")
	if err != nil {
		return nil, "", vigil.Errorf(vigil.EINVALID, "choose the VEX file to upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, vex.MaxDocument+1))
	if err != nil {
		return nil, "", fmt.Errorf("read the uploaded VEX file: %w", err)
	}
	if len(data) > vex.MaxDocument {
		return nil, "", vigil.Errorf(vigil.EINVALID, "the file is larger than %d MB: split it", vex.MaxDocument>>20)
	}
	return data, filepath.Base(h.Filename), nil
}

// uploadedWords says what an upload kept, for the banner.
func uploadedWords(name string, up exposure.VEXUpload) string {
	s := fmt.Sprintf("%s read as %s: %s kept", name, up.Format, plural(up.Statements, "statement"))
	if n := len(up.Problems); n > 0 {
		s += fmt.Sprintf(", %s left out (listed below with their lines)", plural(n, "statement"))
	}
	return s + fmt.Sprintf(". vigil checked %s again with them.", plural(up.OrgsChecked, "organisation"))
}

// vexRefused shows the page again with what was wrong with the upload.
func (p *Pages) vexRefused(w http.ResponseWriter, r *http.Request, pr vigil.Principal, d vexData, err error) {
	if derr := p.vexPage(r, pr, &d); derr != nil {
		p.fail(w, r, derr)
		return
	}
	field := "file"
	if fe := (*vigil.FieldError)(nil); errors.As(err, &fe) && fe.Field == "name" {
		field = "name"
	}
	p.render(w, r, http.StatusBadRequest, "vex.html", &view{Title: "VEX statements",
		Errors: errorOn(field, err), Data: d})
}

// vexDelete removes one document and its statements.
func (p *Pages) vexDelete(w http.ResponseWriter, r *http.Request) {
	pr, err := p.vexPrincipal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org := orgParam(r, pr)
	if err := p.app.Exposure.DeleteVEX(r.Context(), pr, org, r.PostFormValue("name")); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/vex?org="+url.QueryEscape(org)+"&done=vex-deleted", http.StatusSeeOther)
}
