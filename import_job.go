package vigil

import (
	"encoding/json"
	"time"
)

// JobState is where an import job is.
type JobState string

// Import job states.
const (
	JobQueued  JobState = "queued"  // waiting for a server to run it
	JobRunning JobState = "running" // a server is storing its indicators
	JobDone    JobState = "done"    // finished; Report says what it imported
	JobFailed  JobState = "failed"  // stopped; Error says why, Report what it kept
)

// Import job kinds.
const (
	JobUpload   = "upload"    // an intel file too large to import while the uploader waits
	JobFeedPull = "feed_pull" // a feed pulled on request ("pull now")
)

// ImportJob is a large intel upload or a feed pull that runs in the background while the
// person who started it follows its progress.
type ImportJob struct {
	// ID numbers the job.
	ID int64
	// Kind is JobUpload or JobFeedPull.
	Kind string
	// State is queued, running, done or failed.
	State JobState
	// StartedBy is the e-mail address of who started it.
	StartedBy string
	// Source is the source (feed) the indicators are credited to.
	Source string
	// FeedID is the feed pulled, for a feed pull; 0 for an upload.
	FeedID int64
	// File is the uploaded file's name, for an upload.
	File string
	// Progress counts what has been stored so far.
	Progress ImportProgress
	// Report is the final import report (counts by type, problems with line numbers),
	// once the job has ended; nil before.
	Report json.RawMessage
	// Error says why a failed job stopped, or what a pull that ended in error said.
	Error string
	// Node is the server running the job.
	Node string
	// LeaseUntil is when the server running it must have renewed its claim; after that
	// another server takes a feed pull over, and fails an upload.
	LeaseUntil time.Time
	// Created, Started and Finished are when the job was queued, began and ended. A
	// feed pull taken over by another server (its own stopped) starts again there, from
	// the feed's last state: Started is when that run began.
	Created, Started, Finished time.Time
}

// ImportProgress counts what an import has stored so far.
type ImportProgress struct {
	// Stored counts indicators written to the store.
	Stored int `json:"stored"`
	// Added counts those the source did not hold before; Refreshed those it did.
	Added     int `json:"added"`
	Refreshed int `json:"refreshed"`
}

// Ended reports whether the job has finished, well or not.
func (j ImportJob) Ended() bool { return j.State == JobDone || j.State == JobFailed }
