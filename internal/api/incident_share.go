package api

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

type incidentShareIn struct {
	ID     int64  `path:"id" minimum:"1" doc:"The incident's number."`
	Format string `query:"format" enum:"stix,misp" required:"true" doc:"stix: a STIX 2.1 bundle; misp: a MISP event."`
	TLP    string `query:"tlp" required:"true" maxLength:"20" example:"green" doc:"The most a receiver may be trusted with: nothing marked more strictly leaves."`
}

// incidentShare exports an incident's indicators and observables for sharing.
func (a *API) incidentShare(ctx context.Context, in *incidentShareIn) (*download, error) {
	tlp, ok := vigil.ParseTLP(in.TLP)
	if !ok {
		return nil, vigil.Errorf(vigil.EINVALID, "tlp %q is not a TLP 2.0 marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", in.TLP)
	}
	body, err := a.app.Incidents.ShareOut(ctx, principal(ctx), in.ID, in.Format, tlp)
	if err != nil {
		return nil, err
	}
	return attachment("incident-"+strconv.FormatInt(in.ID, 10)+"-"+in.Format+".json", "application/json", body), nil
}

type incidentFeedBackOut struct {
	Body intel.Report
}

// incidentFeedBack feeds an incident's indicators back into vigil's intel to hunt for.
func (a *API) incidentFeedBack(ctx context.Context, in *incidentIDIn) (*incidentFeedBackOut, error) {
	rep, err := a.app.Incidents.FeedBack(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &incidentFeedBackOut{Body: *rep}, nil
}

func marshalIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
