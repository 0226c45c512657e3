package api

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// ImportJob is a large upload or a feed pull running in the background, as the API
// shows it (GET /api/v1/jobs/{id}).
type ImportJob struct {
	ID         int64                `json:"id"`
	Kind       string               `json:"kind" enum:"upload,feed_pull"`
	State      string               `json:"state" enum:"queued,running,done,failed" doc:"Where the job is; poll until done or failed."`
	StartedBy  string               `json:"started_by" doc:"Who started it."`
	Source     string               `json:"source" doc:"The source the indicators are credited to."`
	FeedID     int64                `json:"feed_id,omitempty" doc:"The feed pulled, for a feed pull."`
	File       string               `json:"file,omitempty" doc:"The uploaded file's name, for an upload."`
	Progress   vigil.ImportProgress `json:"progress" doc:"Indicators stored so far, added and refreshed; updated every few seconds."`
	Report     map[string]any       `json:"report,omitempty" doc:"Once ended: the import report of an upload (counts by type, problems with their line numbers), or a feed pull's status, error and counts."`
	Error      string               `json:"error,omitempty" doc:"Why a failed job stopped."`
	CreatedAt  time.Time            `json:"created_at" doc:"When it was asked for."`
	StartedAt  *time.Time           `json:"started_at,omitempty" doc:"When the run under way (or the last one) began: a feed pull taken over by another server, its own having stopped, starts again there from the feed's last state, and this moves with it. Absent while queued for the first time."`
	FinishedAt *time.Time           `json:"finished_at,omitempty"`
}

func jobOut(j vigil.ImportJob) ImportJob {
	out := ImportJob{ID: j.ID, Kind: j.Kind, State: string(j.State), StartedBy: j.StartedBy, Source: j.Source,
		FeedID: j.FeedID, File: j.File, Progress: j.Progress, Error: j.Error, CreatedAt: j.Created,
		StartedAt: timePtr(j.Started), FinishedAt: timePtr(j.Finished)}
	if len(j.Report) > 0 {
		_ = json.Unmarshal(j.Report, &out.Report)
	}
	return out
}

// jobLocation is where a job is followed.
func jobLocation(id int64) string { return fmt.Sprintf("%s/jobs/%d", Prefix, id) }
