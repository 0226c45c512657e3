package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
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
	sc, err := a.scopeOf(ctx, principal(ctx))
	if err != nil {
		return nil, err
	}
	l := scopedList[vigil.Sighting, Sighting]{sc: sc, sees: sc.seesSighting, out: sightingOut,
		list: func(ctx context.Context, org string, pg PageParams) ([]vigil.Sighting, string, error) {
			return a.store.ListSightings(ctx, vigil.SightingFilter{Org: org, Indicator: in.Indicator, Since: in.Since,
				Cursor: pg.Cursor, Limit: pg.Limit})
		}}
	return l.page(ctx, in.Org, in.PageParams)
}
