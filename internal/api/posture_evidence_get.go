package api

import (
	"context"
	"mime"
)

type evidenceGetIn struct {
	ODS       string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Framework string `path:"framework" maxLength:"40" doc:"The framework: checklist, dspt or caf."`
	Item      string `path:"item" maxLength:"40" doc:"The item's id in the framework."`
}

type evidenceFileOut struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	ContentTypeOptions string `header:"X-Content-Type-Options"`
	SHA256             string `header:"X-Vigil-SHA256" doc:"The hex SHA-256 of the file as uploaded."`
	Body               []byte
}

// evidenceGet downloads an item's evidence file, always as an attachment of a neutral
// type, so that no browser opens or runs it in vigil's origin.
func (a *API) evidenceGet(ctx context.Context, in *evidenceGetIn) (*evidenceFileOut, error) {
	ef, data, err := a.app.Posture.Evidence(ctx, principal(ctx), in.ODS, in.Framework, in.Item)
	if err != nil {
		return nil, err
	}
	return &evidenceFileOut{ContentType: "application/octet-stream", ContentTypeOptions: "nosniff", SHA256: ef.SHA256,
		ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": ef.Name}), Body: data}, nil
}
