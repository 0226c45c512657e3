package api

import (
	"encoding/json"
	"time"

	"github.com/vigil-health/vigil"
)

// AdvisorySource is a registered source of advisory data as the API shows it.
type AdvisorySource struct {
	ID              int64          `json:"id"`
	Name            string         `json:"name"`
	Kind            string         `json:"kind" enum:"osv,kev,epss"`
	URL             string         `json:"url,omitempty" doc:"Where it is downloaded from. Its query and fragment are shown as ?… and #… (they often hold a key) and never in full; send the url back as shown to keep the stored one."`
	Path            string         `json:"path,omitempty" doc:"The file on the server it is read from instead."`
	ScheduleSeconds int64          `json:"schedule_seconds" doc:"How often it is pulled."`
	Enabled         bool           `json:"enabled" doc:"Enabled sources are pulled on their schedule."`
	Status          string         `json:"status" enum:"ok,error,never" doc:"How the last pull went."`
	LastError       string         `json:"last_error,omitempty" doc:"Why the last pull failed; the previous data is kept."`
	LastPullAt      *time.Time     `json:"last_pull_at,omitempty"`
	LastSuccessAt   *time.Time     `json:"last_success_at,omitempty"`
	Counts          map[string]any `json:"counts,omitempty" doc:"What the last pull changed: records, new, changed, withdrawn, removed, problems, orgs_checked."`
	CreatedAt       time.Time      `json:"created_at"`
}

func advisorySourceOut(s vigil.AdvisorySource) AdvisorySource {
	out := AdvisorySource{ID: s.ID, Name: s.Name, Kind: s.Kind, URL: vigil.RedactURL(s.URL), Path: s.Path,
		ScheduleSeconds: int64(s.Schedule / time.Second), Enabled: s.Enabled, Status: s.Status, LastError: s.LastError,
		LastPullAt: timePtr(s.LastPullAt), LastSuccessAt: timePtr(s.LastSuccessAt), CreatedAt: s.CreatedAt}
	if len(s.Counts) > 0 && string(s.Counts) != "{}" {
		_ = json.Unmarshal(s.Counts, &out.Counts)
	}
	return out
}

type advisorySourceIDIn struct {
	ID int64 `path:"id" minimum:"1" doc:"The advisory source's id."`
}

type advisorySourceResult struct {
	Body AdvisorySource
}
