package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type evidenceUploadIn struct {
	ID   int64  `path:"id" minimum:"1" doc:"The incident's number."`
	Name string `query:"name" maxLength:"255" example:"phishing-email.eml" doc:"The file's name, as it will be downloaded."`
	streamedBody
}

type evidenceUploadOut struct {
	Body Evidence
}

// evidenceRoutes registers the evidence upload, whose body may be as large as the
// configured cap, and its download.
func (a *API) evidenceRoutes() {
	max := a.app.Incidents.MaxEvidenceBytes()
	up := op("upload-incident-evidence", http.MethodPost, "/incidents/{id}/evidence", "Attach an evidence file", "incidents",
		http.StatusNotFound)
	up.DefaultStatus = http.StatusCreated
	up.Description = "Keeps the request body as a file of the incident, with its SHA-256. It must be a PDF, a picture " +
		"(PNG, JPEG, GIF, WebP), plain text or a zip, judged by its content, and no larger than max_evidence_bytes; " +
		"anything else is refused with 422. Files are only ever downloaded as attachments."
	up.MaxBodyBytes = max + 1
	up.RequestBody = &huma.RequestBody{Required: true, Description: "The file.",
		Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	Register(a, up, alertWorkers, a.evidenceUpload)
	Register(a, op("download-incident-evidence", http.MethodGet, "/incidents/{id}/evidence/{file}", "Download an evidence file",
		"incidents", http.StatusNotFound), people, a.evidenceDownload)
}

// evidenceUpload keeps the body as a file of the incident.
func (a *API) evidenceUpload(ctx context.Context, in *evidenceUploadIn) (*evidenceUploadOut, error) {
	body := http.MaxBytesReader(nil, in.req.Body, a.app.Incidents.MaxEvidenceBytes()+1)
	defer body.Close()
	ev, err := a.app.Incidents.AddEvidence(ctx, principal(ctx), in.ID, in.Name, body)
	if err != nil {
		return nil, fieldsProblem(err)
	}
	return &evidenceUploadOut{Body: evidenceOut(ev)}, nil
}
