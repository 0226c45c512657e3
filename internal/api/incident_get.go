package api

import "context"

type incidentCaseResult struct {
	Body IncidentCase
}

// incidentGet returns one incident the caller may see, with its timeline, links and files.
func (a *API) incidentGet(ctx context.Context, in *incidentIDIn) (*incidentCaseResult, error) {
	c, err := a.app.Incidents.Get(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &incidentCaseResult{Body: caseOut(c)}, nil
}
