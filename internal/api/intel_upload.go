package api

import (
	"bytes"
	"context"
	"errors"
	"io"
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

// InlineIntelBytes is the most an upload may send (as sent, gzip or not) to be imported
// while the uploader waits and answered 200 with its report; a larger one is imported as
// a job and answered 202 with the job to follow.
const InlineIntelBytes = 4 << 20

// intelUploadReport is the body of an upload imported at once.
type intelUploadReport struct {
	// Source is the source the indicators were credited to.
	Source string `json:"source"`
	intel.Report
}

type intelUploadOut struct {
	Status   int
	Location string `header:"Location" doc:"For a 202, the import job to follow."`
	Body     any
}

// intelUpload imports an uploaded intel file into a source. A small one is imported at
// once and answered with the report: counts by type, rejected lines with their numbers,
// not matchable, warninglisted, expired. A larger one (over InlineIntelBytes) is
// imported as a job: 202 with the job, whose report is the same once it has ended.
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
	u := threatintel.Upload{Source: in.Source, TLP: tlp, Name: name}
	head, whole, err := readHead(body, InlineIntelBytes)
	if err != nil && !whole {
		return nil, vigil.Errorf(vigil.EINVALID, "the upload broke off (%v): nothing was imported; send the whole file again", err)
	}
	if !whole {
		j, err := a.app.ThreatIntel.StartUpload(ctx, principal(ctx), u, io.MultiReader(bytes.NewReader(head), body))
		if err != nil {
			return nil, err
		}
		return &intelUploadOut{Status: http.StatusAccepted, Location: jobLocation(j.ID), Body: jobOut(j)}, nil
	}
	rep, err := a.app.ThreatIntel.Import(ctx, principal(ctx), u, bytes.NewReader(head))
	if err != nil {
		return nil, intelUploadError(ctx, err)
	}
	return &intelUploadOut{Status: http.StatusOK, Body: intelUploadReport{Source: in.Source, Report: *rep}}, nil
}

// readHead reads r up to n bytes and reports whether that was all of it.
func readHead(r io.Reader, n int) ([]byte, bool, error) {
	head, err := io.ReadAll(io.LimitReader(r, int64(n)+1))
	if err != nil {
		return head, false, err
	}
	return head, len(head) <= n, nil
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
