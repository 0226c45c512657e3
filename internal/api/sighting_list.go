package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type sightingListIn struct {
	Org       string              `query:"org" maxLength:"20" doc:"Only this organisation's sightings."`
	Indicator string              `query:"indicator" maxLength:"1024" doc:"Only sightings of this indicator (its normalised value)."`
	Type      vigil.IndicatorType `query:"type" enum:"ipv4,ipv6,cidr,domain,url,email,md5,sha1,sha256,sha512,filename,x509-sha1,x509-sha256,ja3,ja3s,ja4" doc:"Only sightings of indicators of this type."`
	Since     time.Time           `query:"since" doc:"Only sightings on the UTC day of this time or later (RFC 3339)."`
	Sort      vigil.SightingSort  `query:"sort" enum:"newest,latest,count,org,indicator" doc:"The order: newest recorded first (the default), latest seen first, count (seen most often first), org (by ODS code), indicator (by value); ties newest first. A cursor continues only the order it came from."`
	PageParams
}

// sightingList lists the sightings the caller may see, in the order asked for: every
// organisation's for sector roles (?org to pick one), their own for organisation roles,
// and for a supplier its own and its customers', one organisation after another.
func (a *API) sightingList(ctx context.Context, in *sightingListIn) (*pageOut[Sighting], error) {
	rows, next, err := a.app.Sightings.ListSightings(ctx, principal(ctx), vigil.SightingFilter{Org: in.Org,
		Indicator: in.Indicator, Type: in.Type, Since: in.Since, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(rows, sightingOut), next), nil
}
