package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/threatintel"
)

type intelUploadIn struct {
	Source string `query:"source" required:"true" maxLength:"100" example:"partner-cert" doc:"The source the indicators are credited to; registered as an upload feed the first time."`
	TLP    string `query:"tlp" maxLength:"20" example:"amber" doc:"TLP 2.0 marking for indicators the file does not mark (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)."`
	Name   string `query:"name" maxLength:"200" example:"partner-iocs.txt" doc:"The file's name, for the report and the audit log."`

	streamedBody
}

type intelUploadOut struct {
	Body struct {
		// Source is the source the indicators were credited to.
		Source string `json:"source"`
		intel.Report
	}
}

// intelUpload imports an uploaded intel file into a source and answers the report:
// counts by type, rejected lines with their numbers, not matchable, warninglisted, expired.
func (a *API) intelUpload(ctx context.Context, in *intelUploadIn) (*intelUploadOut, error) {
	var tlp vigil.TLP
	if in.TLP != "" {
		t, ok := vigil.ParseTLP(in.TLP)
		if !ok {
			return nil, vigil.Errorf(vigil.EINVALID, "tlp %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", in.TLP)
		}
		tlp = t
	}
	name := in.Name
	if name == "" {
		name = "upload"
	}
	body := http.MaxBytesReader(nil, in.req.Body, MaxIntelUpload)
	defer body.Close()
	rep, err := a.app.ThreatIntel.Import(ctx, principal(ctx), threatintel.Upload{Source: in.Source, TLP: tlp, Name: name}, body)
	if err != nil {
		return nil, intelUploadError(ctx, err)
	}
	out := &intelUploadOut{}
	out.Body.Source, out.Body.Report = in.Source, *rep
	return out, nil
}

// intelUploadError answers an upload that unpacks past max_intel_bytes with 413 naming
// the cap; the rest go through the usual mapping (a nested archive is 422).
func intelUploadError(ctx context.Context, err error) error {
	var unpacked *intel.TooLargeError
	if errors.As(err, &unpacked) {
		return newProblem(http.StatusRequestEntityTooLarge, err.Error(), RequestIDFrom(ctx)) // says what was kept and the cap
	}
	return err
}
