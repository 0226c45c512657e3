package api

import (
	"context"
	"slices"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

type sightingListIn struct {
	Org       string    `query:"org" maxLength:"20" doc:"Only this organisation's sightings."`
	Indicator string    `query:"indicator" maxLength:"1024" doc:"Only sightings of this indicator (its normalised value)."`
	Since     time.Time `query:"since" doc:"Only sightings on the UTC day of this time or later (RFC 3339)."`
	PageParams
}

// sightingList lists the sightings the caller may see, newest first: every
// organisation's for sector roles (?org to pick one), their own for organisation roles,
// and for a supplier its own and its customers', one organisation after another.
func (a *API) sightingList(ctx context.Context, in *sightingListIn) (*pageOut[Sighting], error) {
	f := store.SightingFilter{Org: in.Org, Indicator: in.Indicator, Since: in.Since, Cursor: in.Cursor, Limit: in.Limit}
	sc, err := a.scopeOf(ctx, principal(ctx))
	if err != nil {
		return nil, err
	}
	switch {
	case sc.all && in.Org == "":
	case in.Org != "":
		code, err := store.NormalizeODS(in.Org)
		if err != nil || !sc.seesOrg(code) {
			return nil, orgNotFound(in.Org)
		}
		f.Org = code
	case len(sc.customers) == 0:
		f.Org = sc.own
	default:
		return a.sightingListOrgs(ctx, f, sc)
	}
	rows, next, err := a.store.ListSightings(ctx, f)
	if err != nil {
		return nil, err
	}
	return newPage(visibleSightings(rows, sc), next), nil
}

// sightingListOrgs lists the sightings of every organisation a supplier sees, one after
// another in ODS-code order, each newest first.
func (a *API) sightingListOrgs(ctx context.Context, f store.SightingFilter, sc scope) (*pageOut[Sighting], error) {
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
	var items []Sighting
	for i := start; i < len(orgs); i++ {
		f.Org, f.Cursor, f.Limit = orgs[i], "", limit-len(items)
		if i == start {
			f.Cursor = cur.Cursor
		}
		rows, next, err := a.store.ListSightings(ctx, f)
		if err != nil {
			return nil, err
		}
		items = append(items, visibleSightings(rows, sc)...)
		switch {
		case next != "":
			return newPage(items, multiCursor{Org: orgs[i], Cursor: next}.encode()), nil
		case len(rows) == f.Limit && i+1 < len(orgs):
			return newPage(items, multiCursor{Org: orgs[i+1]}.encode()), nil
		}
	}
	return newPage(items, ""), nil
}
