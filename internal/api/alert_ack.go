package api

import "context"

// alertAck records that someone has seen an alert. Acknowledging twice changes
// nothing; acknowledging a resolved alert is a conflict.
func (a *API) alertAck(ctx context.Context, in *alertIDIn) (*alertResult, error) {
	al, err := a.app.Alerts.Ack(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &alertResult{Body: alertOut(al)}, nil
}
