package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type advisorySourceCreateIn struct {
	Body struct {
		Name            string `json:"name" minLength:"1" maxLength:"100" example:"OSV Maven"`
		Kind            string `json:"kind" enum:"osv,kev,epss" doc:"osv: OSV records (a zip such as an ecosystem's all.zip, or one .json record; a directory when read from disk); kev: CISA's known_exploited_vulnerabilities.json; epss: FIRST's EPSS CSV (gzip allowed)."`
		URL             string `json:"url,omitempty" maxLength:"2000" example:"https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip" doc:"http:// or https://; give this or path. A key in the query is kept but never shown again: answers show the query as ?…."`
		Path            string `json:"path,omitempty" maxLength:"1000" doc:"An absolute path inside the server's advisory_dir (a mirror for a closed network); give this or url."`
		ScheduleSeconds int64  `json:"schedule_seconds,omitempty" minimum:"60" maximum:"604800" doc:"How often to pull (default 21600, six hours)."`
		Enabled         *bool  `json:"enabled,omitempty" doc:"Pull on schedule (default true)."`
	}
}

// advisorySourceCreate registers an advisory source; the background loop pulls it
// within a minute.
func (a *API) advisorySourceCreate(ctx context.Context, in *advisorySourceCreateIn) (*advisorySourceResult, error) {
	b := in.Body
	src := vigil.AdvisorySource{Name: b.Name, Kind: b.Kind, URL: b.URL, Path: b.Path,
		Schedule: time.Duration(b.ScheduleSeconds) * time.Second, Enabled: b.Enabled == nil || *b.Enabled}
	created, err := a.app.Exposure.CreateSource(ctx, principal(ctx), src)
	if err != nil {
		return nil, err
	}
	return &advisorySourceResult{Body: advisorySourceOut(created)}, nil
}
