package pages

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/vigil-health/vigil"
)

// evidenceUpload keeps the file the item page's upload form sent.
func (p *Pages) evidenceUpload(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org, fw, item := orgParam(r, pr), frameworkParam(r), itemParam(r)
	name, data, err := uploadedFile(r, "file", p.app.Posture.MaxEvidenceBytes())
	if err == nil {
		_, err = p.app.Posture.AttachEvidence(r.Context(), pr, org, fw, item, name, data)
	}
	var fe *vigil.FieldError
	if errors.As(err, &fe) || vigil.ErrorCode(err) == vigil.EINVALID {
		d, derr := p.itemPage(r, pr)
		if derr != nil {
			p.fail(w, r, derr)
			return
		}
		d.Form = answerForm(d.Item.Answer)
		p.render(w, r, http.StatusUnprocessableEntity, "posture_item.html", &view{Title: "Item " + item,
			Errors: errorOn("file", err), Data: d})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/posture/item?framework="+url.QueryEscape(fw)+"&id="+url.QueryEscape(item)+"&org="+url.QueryEscape(org)+"&done=evidence-kept", http.StatusSeeOther)
}

// uploadedFile reads the form's file field: its name and bytes, one byte past the cap
// at most so that the use case can say it is too big.
func uploadedFile(r *http.Request, field string, max int64) (string, []byte, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return "", nil, vigil.Errorf(vigil.EINVALID, "choose a file to upload (a PDF, picture, plain text or zip file of at most %s)", vigil.SizeWords(max))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	return h.Filename, data, err
}

// evidenceDownload sends an item's evidence file as an attachment of a neutral type, so
// that the browser saves it rather than opening it in vigil's pages.
func (p *Pages) evidenceDownload(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ef, data, err := p.app.Posture.Evidence(r.Context(), pr, orgParam(r, pr), frameworkParam(r), itemParam(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ef.Name}))
	h.Set("X-Vigil-SHA256", ef.SHA256)
	_, _ = w.Write(data)
}
