package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type alertListIn struct {
	Org      string            `query:"org" maxLength:"20" doc:"Only this organisation's alerts."`
	Status   vigil.AlertStatus `query:"status" enum:"open,acknowledged,resolved"`
	Severity vigil.Severity    `query:"severity" enum:"low,medium,high,critical"`
	Kind     vigil.AlertKind   `query:"kind" enum:"early_warning,sighting,retro_hunt,vulnerability"`
	Since    time.Time         `query:"since" doc:"Only alerts last seen at or after this time (RFC 3339)."`
	Overdue  vigil.Overdue     `query:"overdue" enum:"acknowledge,remediate" doc:"Only alerts overdue for that deadline: acknowledge (still open after it), remediate (still unresolved after it)."`
	Sort     vigil.AlertSort   `query:"sort" enum:"newest,last_seen,oldest,severity,org" doc:"The order: newest raised first (the default), last_seen (most recently seen first), oldest raised first, severity (most urgent first), org (by ODS code). A cursor continues only the order it came from."`
	PageParams
}

// alertList lists the alerts the caller may see, in the order asked for: organisation roles their
// own, a supplier its own and its customers' shareable ones.
func (a *API) alertList(ctx context.Context, in *alertListIn) (*pageOut[Alert], error) {
	als, next, err := a.app.Alerts.List(ctx, principal(ctx), vigil.AlertFilter{Org: in.Org, Status: in.Status,
		Severity: in.Severity, Kind: in.Kind, Since: in.Since, Overdue: in.Overdue, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(als, alertOut), next), nil
}
