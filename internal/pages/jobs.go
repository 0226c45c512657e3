package pages

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// pullWait is how long "pull now" waits for the pull before showing its job's progress
// page: a small feed's outcome is shown on the feed's page as before.
const pullWait = 5 * time.Second

// jobView is an import job as its page shows it.
type jobView struct {
	vigil.ImportJob
	StateText string
	Report    *intel.Report // an upload's report, once ended
	Pull      struct {
		Status, Error string
		Counts        json.RawMessage
	} // a feed pull's outcome, once ended
	LeftOut []leftOut // what the upload or pull left out, and why
}

func newJobView(j vigil.ImportJob) jobView {
	v := jobView{ImportJob: j, StateText: jobStateText(j.State)}
	if len(j.Report) == 0 {
		return v
	}
	if j.Kind == vigil.JobUpload {
		v.Report = &intel.Report{}
		_ = json.Unmarshal(j.Report, v.Report)
		v.LeftOut = leftOutOf(v.Report)
	} else if json.Unmarshal(j.Report, &v.Pull) == nil {
		if o := readOutcome(v.Pull.Counts); o != nil {
			v.Report, v.LeftOut = &o.Report, leftOutOf(&o.Report)
		}
	}
	return v
}

func jobStateText(s vigil.JobState) string {
	switch s {
	case vigil.JobQueued:
		return "Waiting to start"
	case vigil.JobRunning:
		return "Running"
	case vigil.JobDone:
		return "Finished"
	default:
		return "Stopped with a problem"
	}
}

// jobDetail shows an import job; while it runs the page refreshes itself.
func (p *Pages) jobDetail(w http.ResponseWriter, r *http.Request) {
	pr, id, err := principalAndID(r, "import job")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	j, err := p.app.ThreatIntel.Job(r.Context(), pr, id)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v := &view{Title: "Import job " + strconv.FormatInt(j.ID, 10), Data: newJobView(j)}
	if !j.Ended() {
		v.Refresh = 2
	}
	p.render(w, r, http.StatusOK, "job.html", v)
}

// awaitJob waits up to pullWait for job id to end and returns it as last seen.
func (p *Pages) awaitJob(r *http.Request, pr vigil.Principal, id int64) (vigil.ImportJob, error) {
	deadline := time.Now().Add(pullWait)
	for {
		j, err := p.app.ThreatIntel.Job(r.Context(), pr, id)
		if err != nil || j.Ended() || time.Now().After(deadline) {
			return j, err
		}
		select {
		case <-r.Context().Done():
			return j, r.Context().Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
