package threatintel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// Import jobs: a large upload or a feed pull asked for now runs in the background, its
// row in the store saying where it is, so that whoever started it can follow it from
// any server. The server running a job renews its lease with each progress report
// (jobTick); if it stops for longer than jobLease, another server takes a feed pull over
// and fails an upload, whose file only that server had.
const (
	jobLease = time.Minute
	jobTick  = 2 * time.Second
)

// StartUpload is Import for a file too large to import while the uploader waits: it
// stores the file in the spool directory, records a job and imports it in the
// background, returning the job at once. The job's report is the import report, with
// the problems found and their line numbers.
func (s *Service) StartUpload(ctx context.Context, p vigil.Principal, u Upload, r io.Reader) (vigil.ImportJob, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.ImportJob{}, err
	}
	f, err := s.uploadFeed(ctx, u)
	if err != nil {
		return vigil.ImportJob{}, err
	}
	path, err := s.spool(r)
	if err != nil {
		return vigil.ImportJob{}, err
	}
	j, err := s.store.CreateImportJob(ctx, vigil.ImportJob{Kind: vigil.JobUpload, StartedBy: p.Email, Source: f.Name,
		File: u.Name, Node: s.node(), LeaseUntil: s.now().Add(jobLease)})
	if err != nil {
		_ = os.Remove(path)
		return j, err
	}
	u.Source = f.Name
	s.jobs.Go(func() {
		defer os.Remove(path)
		s.runJob(context.WithoutCancel(ctx), j, func(ctx context.Context, progress func(vigil.ImportProgress)) (any, error) {
			return s.importSpooled(ctx, p, u, path, progress)
		})
	})
	return j, nil
}

// spool copies the upload to a file of its own in the spool directory.
func (s *Service) spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp(s.spoolDir, "vigil-upload-*")
	if err != nil {
		return "", fmt.Errorf("spool upload: %w", err)
	}
	_, err = io.Copy(f, r)
	err = errors.Join(err, f.Close())
	if err == nil {
		return f.Name(), nil
	}
	_ = os.Remove(f.Name())
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "", vigil.Errorf(vigil.EINVALID, "the file is larger than the %d bytes an upload may be: split it or compress it with gzip", tooBig.Limit)
	}
	return "", vigil.Errorf(vigil.EINVALID, "the upload broke off (%v): nothing was imported; send the whole file again", err)
}

// importSpooled imports the spooled file as Import would; its report is the job's.
func (s *Service) importSpooled(ctx context.Context, p vigil.Principal, u Upload, path string, progress func(vigil.ImportProgress)) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spooled upload: %w", err)
	}
	defer f.Close()
	rep, err := s.importUpload(ctx, p, u, f, progress)
	if rep == nil {
		return nil, err
	}
	return struct {
		Source string `json:"source"`
		*intel.Report
	}{u.Source, rep}, err
}

// StartFeedPull pulls feed id now, for the sector centre's p, as a job: it returns the
// job queued, and this server starts it at once (another takes it over if this one
// stops). The job's report is the feed's status, error and counts after the pull.
func (s *Service) StartFeedPull(ctx context.Context, p vigil.Principal, id int64) (vigil.ImportJob, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.ImportJob{}, err
	}
	f, err := s.store.GetFeed(ctx, id)
	if err != nil {
		return vigil.ImportJob{}, err
	}
	if f.Kind == vigil.FeedUpload {
		return vigil.ImportJob{}, vigil.Errorf(vigil.EINVALID, "feed %q is filled by uploads (POST /api/v1/intel?source=%s) and has nothing to pull", f.Name, f.Name)
	}
	if holder, ok := s.pulling.take(f.ID, reserving); !ok {
		return s.pullRunning(ctx, p, f, holder)
	}
	j, err := s.store.CreateImportJob(ctx, vigil.ImportJob{Kind: vigil.JobFeedPull, StartedBy: p.Email, Source: f.Name, FeedID: f.ID})
	if err != nil {
		s.pulling.release(f.ID, reserving)
		return j, err
	}
	s.pulling.hand(f.ID, reserving, j.ID)
	if _, err := s.store.Audit(ctx, p.Email, "feed.pull", feedTarget(f), map[string]any{"job": j.ID}); err != nil {
		s.log.ErrorContext(ctx, "audit feed pull", "feed", f.Name, "error", err)
	}
	bg := context.WithoutCancel(ctx)
	s.jobs.Go(func() {
		defer s.pulling.release(f.ID, j.ID) // if another server claimed the job first
		s.claimAndRun(bg, j.ID)
	})
	return j, nil
}

// pullRunning answers a request to pull f while this server pulls it already (holder
// is the job, or scheduled or reserving): the job running, when p may follow it, so
// that a second "pull now" follows the first rather than starting a pull alongside it;
// otherwise a conflict that says when to try again.
func (s *Service) pullRunning(ctx context.Context, p vigil.Principal, f vigil.Feed, holder int64) (vigil.ImportJob, error) {
	if holder > 0 {
		j, err := s.store.GetImportJob(ctx, holder)
		if err == nil && (j.StartedBy == p.Email || p.Role == vigil.RoleSectorAnalyst) {
			return j, nil
		}
	}
	return vigil.ImportJob{}, errPulling(f)
}

// errPulling refuses a pull of f while another runs.
func errPulling(f vigil.Feed) error {
	return vigil.Errorf(vigil.ECONFLICT,
		"feed %q is being pulled already; its page shows how that pull went once it ends, and you can pull it again then", f.Name)
}

// claimAndRun runs job id (0: the oldest a server may take) when this server gets it.
// It reports whether it ran one.
func (s *Service) claimAndRun(ctx context.Context, id int64) bool {
	j, got, err := s.store.ClaimImportJob(ctx, id, s.node(), s.now(), s.now().Add(jobLease))
	if err != nil {
		s.log.ErrorContext(ctx, "claim import job", slog.Any("error", err))
		return false
	}
	if !got {
		return false
	}
	s.runJob(ctx, j, func(ctx context.Context, progress func(vigil.ImportProgress)) (any, error) {
		return s.pullJob(ctx, j.ID, j.FeedID, progress)
	})
	return true
}

// pullJob pulls feed id as job; a pull that ended in error fails the job with it.
func (s *Service) pullJob(ctx context.Context, job, id int64, progress func(vigil.ImportProgress)) (any, error) {
	f, err := s.store.GetFeed(ctx, id)
	if err != nil {
		return nil, err
	}
	var pullErr error
	ran := s.pullOnce(ctx, f.ID, job, func(ctx context.Context) { _, pullErr = s.pull(ctx, f, progress) })
	if !ran {
		return nil, errPulling(f)
	}
	if pullErr != nil {
		return nil, pullErr
	}
	if f, err = s.store.GetFeed(ctx, id); err != nil {
		return nil, err
	}
	report := map[string]any{"feed": f.Name, "status": f.Status, "error": f.LastError, "counts": f.Counts}
	if f.Status == vigil.FeedError {
		return report, vigil.Errorf(vigil.EINVALID, "%s", f.LastError)
	}
	return report, nil
}

// takeOverJobs fails the uploads of servers that stopped and runs, one at a time, the
// feed pulls waiting or left by them. Run calls it on its tick.
func (s *Service) takeOverJobs(ctx context.Context) {
	n, err := s.store.FailAbandonedUploads(ctx, s.now(), "the server importing this upload stopped before it finished; what it stored was kept: upload the file again to complete it")
	if err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "fail abandoned uploads", slog.Any("error", err))
	}
	if n > 0 {
		s.log.WarnContext(ctx, "uploads abandoned by a stopped server failed", slog.Int64("jobs", n))
	}
	for ctx.Err() == nil && s.claimAndRun(ctx, 0) {
	}
}

// runJob runs fn as job j on this server: it reports fn's progress and renews the lease
// every jobTick, cancels fn if another server took the job over, and records the end.
func (s *Service) runJob(ctx context.Context, j vigil.ImportJob, fn func(context.Context, func(vigil.ImportProgress)) (any, error)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	var last vigil.ImportProgress
	progress := func(p vigil.ImportProgress) {
		mu.Lock()
		defer mu.Unlock()
		last = p
	}
	current := func() vigil.ImportProgress {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
	done := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		s.renewJob(ctx, cancel, j.ID, current, done)
	}()
	report, err := fn(ctx, progress)
	close(done)
	<-renewed
	state, msg := vigil.JobDone, ""
	if err != nil {
		state, msg = vigil.JobFailed, vigil.ErrorMessage(err)
		s.log.WarnContext(ctx, "import job failed", slog.Int64("job", j.ID), slog.Any("error", err))
	}
	var b json.RawMessage
	if report != nil {
		b, _ = json.Marshal(report)
	}
	fin, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	if _, err := s.store.FinishImportJob(fin, j.ID, s.node(), state, current(), b, msg); err != nil {
		s.log.ErrorContext(ctx, "finish import job", slog.Int64("job", j.ID), slog.Any("error", err))
	}
}

// renewJob records progress and extends the lease every jobTick until done.
func (s *Service) renewJob(ctx context.Context, cancel context.CancelFunc, id int64, current func() vigil.ImportProgress, done <-chan struct{}) {
	t := time.NewTicker(jobTick)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := s.store.ProgressImportJob(ctx, id, s.node(), current(), s.now().Add(jobLease))
		if err == nil && !ok {
			s.log.WarnContext(ctx, "lost an import job to another server; stopping it", slog.Int64("job", id))
			cancel()
			return
		}
	}
}

// Job returns import job id to the sector centre's p: to whoever started it and to
// sector analysts; to anyone else it does not exist.
func (s *Service) Job(ctx context.Context, p vigil.Principal, id int64) (vigil.ImportJob, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.ImportJob{}, err
	}
	j, err := s.store.GetImportJob(ctx, id)
	if err != nil {
		return j, err
	}
	if j.StartedBy != p.Email && p.Role != vigil.RoleSectorAnalyst {
		return vigil.ImportJob{}, vigil.Errorf(vigil.ENOTFOUND, "import job %d not found", id)
	}
	return j, nil
}

// reserving and scheduled stand for the job in feedPulls while StartFeedPull creates
// one, and for a pull that is not a job (a scheduled or a synchronous one).
const (
	reserving int64 = -1
	scheduled int64 = 0
)

// feedPulls are the feeds this server is pulling, each with the job pulling it. The lease
// pullJobName names keeps servers from pulling one feed together, but a server may claim
// again a lease it holds (cluster.Service.Once; a restarted server resumes its own), and
// without a cluster every claim succeeds: so on one server a "pull now" and a scheduled
// pull both got the lease and ran alongside. This keeps them apart on one server. The
// zero value is empty and ready.
type feedPulls struct {
	mu sync.Mutex
	by map[int64]int64 // feed → job pulling it (reserving, scheduled or an import job)
}

// take marks feed as pulled by job and reports true; when another pull has it, it
// reports false and that pull's job. A job may take the feed reserved for it (hand).
func (p *feedPulls) take(feed, job int64) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	holder, busy := p.by[feed]
	if busy && (holder != job || job <= 0) {
		return holder, false
	}
	if p.by == nil {
		p.by = map[int64]int64{}
	}
	p.by[feed] = job
	return job, true
}

// hand passes feed from job from to job to, if from still has it.
func (p *feedPulls) hand(feed, from, to int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if holder, busy := p.by[feed]; busy && holder == from {
		p.by[feed] = to
	}
}

// release ends job's pull of feed; a release by a job that no longer has it does nothing.
func (p *feedPulls) release(feed, job int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if holder, busy := p.by[feed]; busy && holder == job {
		delete(p.by, feed)
	}
}

// pullOnce runs fn as the one pull of feed, as job, on this server and, through the lease,
// among servers; it reports false, without running fn, when another pull has it.
func (s *Service) pullOnce(ctx context.Context, feed, job int64, fn func(context.Context)) bool {
	if _, ok := s.pulling.take(feed, job); !ok {
		return false
	}
	defer s.pulling.release(feed, job)
	return s.once(ctx, pullJobName(feed), 0, fn)
}

// WaitJobs waits for the jobs this server started in the background to end: tests and
// a server shutting down call it.
func (s *Service) WaitJobs() { s.jobs.Wait() }
