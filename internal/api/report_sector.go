package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
)

type reportSectorIn struct {
	From string `query:"from" format:"date" doc:"First UTC day of the period, YYYY-MM-DD; 29 days before to when absent."`
	To   string `query:"to" format:"date" doc:"Last UTC day of the period, included, YYYY-MM-DD; today when absent. At most 366 days in all."`
}

type reportSectorOut struct {
	Body reports.Document
}

// reportSector returns the sector report for a period, disclosure-controlled: counts of
// 1 to 7 below the whole-sector level suppressed (value null, mark "suppressed"), the
// others there rounded to the nearest 5.
func (a *API) reportSector(ctx context.Context, in *reportSectorIn) (*reportSectorOut, error) {
	first, err := queryDay("from", in.From)
	if err != nil {
		return nil, err
	}
	last, err := queryDay("to", in.To)
	if err != nil {
		return nil, err
	}
	r, err := a.app.Reports.Sector(ctx, principal(ctx), first, last)
	if err != nil {
		return nil, err
	}
	return &reportSectorOut{Body: r.Document()}, nil
}

// queryDay reads a YYYY-MM-DD query parameter; empty is the zero time (the default).
func queryDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, vigil.Errorf(vigil.EINVALID, "%s=%q is not a day: give YYYY-MM-DD, e.g. 2026-11-30", name, s)
	}
	return d, nil
}
