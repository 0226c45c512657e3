package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type advisorySourceUpdateIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The advisory source's id."`
	Body struct {
		Name            *string `json:"name,omitempty" minLength:"1" maxLength:"100"`
		URL             *string `json:"url,omitempty" maxLength:"2000" doc:"http:// or https://; with path \"\" to switch from a file on the server. The url exactly as vigil shows it (query as ?…) keeps the stored one, key included; any other url replaces it."`
		Path            *string `json:"path,omitempty" maxLength:"1000" doc:"An absolute path inside the server's advisory_dir; with url \"\" to switch from downloading."`
		ScheduleSeconds *int64  `json:"schedule_seconds,omitempty" minimum:"60" maximum:"604800"`
		Enabled         *bool   `json:"enabled,omitempty" doc:"false pauses its scheduled pulls."`
	}
}

// advisorySourceUpdate changes an advisory source's settings; fields left out stay.
func (a *API) advisorySourceUpdate(ctx context.Context, in *advisorySourceUpdateIn) (*advisorySourceResult, error) {
	b := in.Body
	patch := vigil.AdvisorySourcePatch{Name: b.Name, URL: b.URL, Path: b.Path, Schedule: scheduleOf(b.ScheduleSeconds), Enabled: b.Enabled}
	s, err := a.app.Exposure.UpdateSource(ctx, principal(ctx), in.ID, patch)
	if err != nil {
		return nil, err
	}
	return &advisorySourceResult{Body: advisorySourceOut(s)}, nil
}
