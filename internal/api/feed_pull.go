package api

import (
	"context"
	"net/http"
)

type jobStarted struct {
	Status   int
	Location string `header:"Location" doc:"The job to follow: GET it until its state is done or failed."`
	Body     ImportJob
}

// feedPull starts a pull of the feed now, as a job: 202 with the job, which says how
// the pull went once it has ended, or with the job already queued or pulling the feed on
// any server; 409 while a scheduled pull has the feed, or the running job is another
// admin's. A pull that fails leaves the feed with status "error" and its previous
// indicators.
func (a *API) feedPull(ctx context.Context, in *feedIDIn) (*jobStarted, error) {
	j, err := a.app.ThreatIntel.StartFeedPull(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &jobStarted{Status: http.StatusAccepted, Location: jobLocation(j.ID), Body: jobOut(j)}, nil
}
