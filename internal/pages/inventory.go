package pages

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventories"
)

func (p *Pages) inventoryRoutes() []route {
	return []route{
		{"GET /inventory", p.inventoryShow},
		{"POST /inventory", p.inventoryUpload},
		{"POST /inventory/delete", p.inventoryDelete},
	}
}

// inventoryData is an organisation's software inventory page: its sources, one
// source's components (or all of them), and the upload form.
type inventoryData struct {
	Org         string
	Ask         bool // the sector viewer must name an organisation first
	Inventories []vigil.Inventory
	Source      string // the source whose components are shown; "" for all
	Components  []vigil.Component
	Total       int
	Form        inventoryForm
}

// inventoryForm is the upload form as sent, to show again with its errors.
type inventoryForm struct {
	Source string
	Merge  bool
}

func (p *Pages) inventoryShow(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := inventoryData{Org: orgParam(r, pr), Source: strings.TrimSpace(r.URL.Query().Get("source"))}
	if d.Org == "" && sectorRole(pr) {
		d.Ask = true
		p.render(w, r, http.StatusOK, "inventory.html", &view{Title: "Software inventory", Data: d})
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		p.inventoryCSV(w, r, pr, d)
		return
	}
	if err := p.inventoryPage(r, pr, &d); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "inventory.html", &view{Title: "Software inventory", Data: d})
}

// inventoryCSV downloads the components the page lists, up to the most a list holds.
func (p *Pages) inventoryCSV(w http.ResponseWriter, r *http.Request, pr vigil.Principal, d inventoryData) {
	comps, _, err := p.app.Inventories.Components(r.Context(), pr, d.Org, d.Source, inventories.MaxComponentLimit)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	cw := csvDownload(w, "inventory.csv", "inventory", "ecosystem", "name", "version", "vendor", "product", "supplier", "purl", "location")
	for _, c := range comps {
		_ = cw.Write([]string{csvSafe(c.Source), csvSafe(c.Ecosystem), csvSafe(c.Name), csvSafe(c.Version), csvSafe(c.Vendor),
			csvSafe(c.Product), csvSafe(c.Supplier), csvSafe(c.PURL), csvSafe(c.Location)})
	}
	cw.Flush()
}

// inventoryPage fills d with the organisation's sources and the components shown.
func (p *Pages) inventoryPage(r *http.Request, pr vigil.Principal, d *inventoryData) error {
	var err error
	if d.Inventories, err = p.app.Inventories.List(r.Context(), pr, d.Org); err != nil {
		return err
	}
	d.Components, d.Total, err = p.app.Inventories.Components(r.Context(), pr, d.Org, d.Source, 0)
	return err
}

// inventoryUpload keeps the file the upload form sent, then shows the source it went to.
func (p *Pages) inventoryUpload(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org := orgParam(r, pr)
	f, h, ferr := r.FormFile("file")
	form := inventoryForm{Source: strings.TrimSpace(r.PostFormValue("source")), Merge: r.PostFormValue("mode") == "merge"}
	var rep inventories.Report
	if ferr != nil {
		err = vigil.Errorf(vigil.EINVALID, "choose the inventory file to upload")
	} else {
		defer f.Close()
		rep, err = p.app.Inventories.Upload(r.Context(), pr, inventories.Upload{Org: org, Source: form.Source, Merge: form.Merge,
			FileName: h.Filename}, f)
	}
	if vigil.ErrorCode(err) == vigil.EINVALID {
		p.inventoryRefused(w, r, pr, org, form, err)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/inventory?org="+url.QueryEscape(rep.Org)+"&source="+url.QueryEscape(rep.Source)+"&done=inventory-uploaded", http.StatusSeeOther)
}

// inventoryRefused shows the page again with what was wrong with the upload, at the
// field it is about.
func (p *Pages) inventoryRefused(w http.ResponseWriter, r *http.Request, pr vigil.Principal, org string, form inventoryForm, err error) {
	d := inventoryData{Org: org, Form: form}
	if derr := p.inventoryPage(r, pr, &d); derr != nil {
		p.fail(w, r, derr)
		return
	}
	field := "file"
	if _, serr := inventories.SourceName(form.Source); form.Source != "" && serr != nil {
		field = "source"
	}
	p.render(w, r, http.StatusUnprocessableEntity, "inventory.html", &view{Title: "Software inventory",
		Errors: errorOn(field, err), Data: d})
}

// inventoryDelete removes one source.
func (p *Pages) inventoryDelete(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org := orgParam(r, pr)
	if err := p.app.Inventories.Delete(r.Context(), pr, org, r.PostFormValue("source")); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/inventory?org="+url.QueryEscape(org)+"&done=inventory-deleted", http.StatusSeeOther)
}
