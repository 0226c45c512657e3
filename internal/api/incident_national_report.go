package api

import (
	"context"
	"strconv"

	"github.com/vigil-health/vigil/internal/incidents"
)

type nationalReportIn struct {
	ID     int64  `path:"id" minimum:"1" doc:"The incident's number."`
	Format string `query:"format" enum:"json,text" default:"json" doc:"json: the fields with their labels; text: \"Label: value\" lines to paste."`
}

type nationalReportOut struct {
	Body struct {
		Fields []incidents.ReportField `json:"fields"`
	}
}

// incidentNationalReport answers the incident as the national reporting service asks
// for it: JSON, or text to paste (as a download).
func (a *API) incidentNationalReport(ctx context.Context, in *nationalReportIn) (*download, error) {
	fields, err := a.app.Incidents.NationalReport(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	name := "incident-" + strconv.FormatInt(in.ID, 10) + "-national-report"
	if in.Format == "text" {
		return attachment(name+".txt", "text/plain; charset=utf-8", []byte(incidents.ReportText(fields))), nil
	}
	var out nationalReportOut
	out.Body.Fields = fields
	body, err := marshalIndent(out.Body)
	if err != nil {
		return nil, err
	}
	return attachment(name+".json", "application/json", body), nil
}
