package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/support"
)

type supportAskIn struct {
	Body struct {
		Org     string `json:"org,omitempty" maxLength:"20" doc:"The organisation asking; empty means your own."`
		Subject string `json:"subject" maxLength:"200" doc:"The request in a line."`
		Body    string `json:"body" maxLength:"4000" doc:"What you need help with."`
		Context string `json:"context,omitempty" maxLength:"100" doc:"What it is about: posture/<framework>/<item>, or empty."`
	}
}

type supportOut struct {
	Body vigil.SupportRequest
}

// supportAsk opens a support request to the organisation's LSO.
func (a *API) supportAsk(ctx context.Context, in *supportAskIn) (*supportOut, error) {
	b := in.Body
	r, err := a.app.Support.Ask(ctx, principal(ctx), support.Ask{Org: b.Org, Subject: b.Subject, Body: b.Body, Context: b.Context})
	if err != nil {
		return nil, err
	}
	return &supportOut{Body: r}, nil
}
