package api

import "context"

type vexExportIn struct {
	ODS    string `path:"ods" maxLength:"20" doc:"The organisation's ODS code (a supplier's own, for a supplier)."`
	Format string `query:"format" enum:"openvex,cyclonedx" default:"openvex" doc:"The document format."`
}

// vexExport writes the statements uploaded for the organisation as one document.
func (a *API) vexExport(ctx context.Context, in *vexExportIn) (*download, error) {
	data, err := a.app.Exposure.ExportBuffer(ctx, principal(ctx), in.ODS, in.Format)
	if err != nil {
		return nil, err
	}
	name := in.ODS + ".openvex.json"
	if in.Format == "cyclonedx" {
		name = in.ODS + ".cdx.json"
	}
	return attachment(name, "application/json", data), nil
}
