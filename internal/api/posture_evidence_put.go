package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type evidencePutIn struct {
	ODS       string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Framework string `path:"framework" maxLength:"40" doc:"The framework: checklist, dspt or caf."`
	Item      string `path:"item" maxLength:"40" doc:"The item's id in the framework."`
	Name      string `query:"name" maxLength:"200" doc:"The file's name, as people will see it."`
	RawBody   []byte `contentType:"application/octet-stream" doc:"The file: a PDF, a picture (PNG, JPEG, GIF, WebP), plain text or a zip, at most max_evidence_bytes, checked by its content."`
}

type postureEvidenceOut struct {
	Body vigil.EvidenceFile
}

// evidencePut keeps the request body as an item's evidence file.
func (a *API) evidencePut(ctx context.Context, in *evidencePutIn) (*postureEvidenceOut, error) {
	ef, err := a.app.Posture.AttachEvidence(ctx, principal(ctx), in.ODS, in.Framework, in.Item, in.Name, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &postureEvidenceOut{Body: ef}, nil
}
