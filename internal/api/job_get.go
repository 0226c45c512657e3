package api

import "context"

type jobIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The job's id."`
}

type jobResult struct {
	Body ImportJob
}

// jobGet answers an import job's state, progress and, once ended, its report: to whoever
// started it and to sector analysts.
func (a *API) jobGet(ctx context.Context, in *jobIDIn) (*jobResult, error) {
	j, err := a.app.ThreatIntel.Job(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &jobResult{Body: jobOut(j)}, nil
}
