package api

import (
	"context"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

type alertListIn struct {
	Org      string            `query:"org" maxLength:"20" doc:"Only this organisation's alerts."`
	Status   vigil.AlertStatus `query:"status" enum:"open,acknowledged,resolved"`
	Severity vigil.Severity    `query:"severity" enum:"low,medium,high,critical"`
	Kind     vigil.AlertKind   `query:"kind" enum:"early_warning,sighting,retro_hunt"`
	Since    time.Time         `query:"since" doc:"Only alerts last seen at or after this time (RFC 3339)."`
	PageParams
}

// alertList lists the alerts the caller may see, newest first. Organisation roles see
// their own; a supplier its own and its customers', one organisation after another.
func (a *API) alertList(ctx context.Context, in *alertListIn) (*pageOut[Alert], error) {
	p := principal(ctx)
	f := store.AlertFilter{Org: in.Org, Status: in.Status, Severity: in.Severity, Kind: in.Kind,
		Since: in.Since, Cursor: in.Cursor, Limit: in.Limit}
	sc, err := a.scopeOf(ctx, p)
	if err != nil {
		return nil, err
	}
	switch {
	case sc.all:
	case in.Org != "":
		code, err := store.NormalizeODS(in.Org)
		if err != nil || !sc.seesOrg(code) {
			return nil, orgNotFound(in.Org)
		}
		f.Org = code
	case len(sc.customers) == 0:
		f.Org = sc.own
	default:
		return a.alertListOrgs(ctx, f, sc)
	}
	alerts, next, err := a.store.ListAlerts(ctx, f)
	if err != nil {
		return nil, err
	}
	return newPage(visibleAlerts(alerts, sc), next), nil
}

// alertListOrgs lists the alerts of every organisation a supplier sees, one after
// another in ODS-code order, each newest first. (A store filter on several
// organisations would let this be one query, newest first overall.)
func (a *API) alertListOrgs(ctx context.Context, f store.AlertFilter, sc scope) (*pageOut[Alert], error) {
	cur, err := decodeMultiCursor(f.Cursor)
	if err != nil {
		return nil, err
	}
	orgs := sc.codes()
	start, found := slices.BinarySearch(orgs, cur.Org)
	if !found {
		cur.Cursor = ""
	}
	limit := limitOf(f.Limit)
	var items []Alert
	for i := start; i < len(orgs); i++ {
		f.Org, f.Cursor, f.Limit = orgs[i], "", limit-len(items)
		if i == start {
			f.Cursor = cur.Cursor
		}
		alerts, next, err := a.store.ListAlerts(ctx, f)
		if err != nil {
			return nil, err
		}
		items = append(items, visibleAlerts(alerts, sc)...)
		switch {
		case next != "":
			return newPage(items, multiCursor{Org: orgs[i], Cursor: next}.encode()), nil
		case len(alerts) == f.Limit && i+1 < len(orgs):
			return newPage(items, multiCursor{Org: orgs[i+1]}.encode()), nil
		}
	}
	return newPage(items, ""), nil
}

func visibleAlerts(alerts []vigil.Alert, sc scope) []Alert {
	out := make([]Alert, 0, len(alerts))
	for _, al := range alerts {
		if sc.seesAlert(al) {
			out = append(out, alertOut(al))
		}
	}
	return out
}
