package api

import (
	"context"
	"net/http"

	"github.com/vigil-health/vigil/internal/inventories"
)

type inventoryUploadIn struct {
	ODS    string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Source string `query:"source" maxLength:"64" example:"ehr-server" doc:"The name to keep the inventory under (letters, digits, '.', '_', '-'); the file name's when absent."`
	Mode   string `query:"mode" enum:"replace,merge" default:"replace" doc:"replace: the upload becomes the source's whole inventory; merge: it is added to what the source holds."`
	Name   string `query:"name" maxLength:"255" example:"bom.json" doc:"The file's name: a hint for requirements files and CSVs."`
	streamedBody
}

type inventoryUploadOut struct {
	Body struct {
		Org        string             `json:"org"`
		Source     string             `json:"source" doc:"The name the inventory is kept under."`
		Format     string             `json:"format" doc:"What the file was read as."`
		Merged     bool               `json:"merged" doc:"Whether the upload was merged into the source."`
		Components int                `json:"components" doc:"Components understood in the file."`
		Unmatched  int                `json:"unmatched" doc:"Of those, the ones outside package ecosystems: kept, matched only by sector advisories about their vendor."`
		Stored     int                `json:"stored" doc:"Components the source holds now."`
		Problems   []InventoryProblem `json:"problems" nullable:"false" doc:"Parts of the file that could not be read; the rest was kept."`
	}
}

// inventoryUpload keeps the body as one of the organisation's inventories.
func (a *API) inventoryUpload(ctx context.Context, in *inventoryUploadIn) (*inventoryUploadOut, error) {
	body := http.MaxBytesReader(nil, in.req.Body, a.app.Inventories.MaxBytes()+1)
	defer body.Close()
	rep, err := a.app.Inventories.Upload(ctx, principal(ctx), inventories.Upload{Org: in.ODS, Source: in.Source,
		Merge: in.Mode == "merge", FileName: in.Name}, body)
	if err != nil {
		return nil, err
	}
	out := &inventoryUploadOut{}
	out.Body.Org, out.Body.Source, out.Body.Format, out.Body.Merged = rep.Org, rep.Source, rep.Format, rep.Merged
	out.Body.Components, out.Body.Unmatched, out.Body.Stored = rep.Components, rep.Unmatched, rep.Stored
	out.Body.Problems = problemsOut(rep.Problems)
	return out, nil
}
