package api

import (
	"context"

	"github.com/vigil-health/vigil/internal/vex"
)

type vexUploadIn struct {
	ODS     string `path:"ods" maxLength:"20" doc:"The organisation's ODS code (a supplier's own, for a supplier)."`
	Name    string `query:"name" required:"true" minLength:"1" maxLength:"200" doc:"The document's name (its file name): a later upload of the same name replaces it."`
	RawBody []byte `contentType:"application/octet-stream" doc:"An OpenVEX (0.2) or CycloneDX (1.4–1.6) VEX document, as JSON (sent as application/json or application/octet-stream)."`
}

// VEXProblem is a statement an upload left out.
type VEXProblem struct {
	Location string `json:"location" doc:"Where in the document, such as statements[3]."`
	Line     int    `json:"line" doc:"The line the statement starts on."`
	Reason   string `json:"reason"`
}

// VEXUpload is what an upload kept and left out.
type VEXUpload struct {
	Format      string       `json:"format" enum:"OpenVEX,CycloneDX"`
	Statements  int          `json:"statements" doc:"How many statements were kept."`
	Problems    []VEXProblem `json:"problems" nullable:"false" doc:"The statements left out, with where and why."`
	OrgsChecked int          `json:"orgs_checked" doc:"How many organisations were checked again."`
}

type vexUploadOut struct {
	Body VEXUpload
}

// vexUpload keeps a VEX document's statements and checks the organisations they apply to.
func (a *API) vexUpload(ctx context.Context, in *vexUploadIn) (*vexUploadOut, error) {
	up, err := a.app.Exposure.UploadVEX(ctx, principal(ctx), in.ODS, in.Name, in.RawBody)
	if err != nil {
		return nil, err
	}
	problems := mapSlice(up.Problems, func(p vex.Problem) VEXProblem { return VEXProblem(p) })
	return &vexUploadOut{Body: VEXUpload{Format: up.Format, Statements: up.Statements, Problems: problems, OrgsChecked: up.OrgsChecked}}, nil
}
