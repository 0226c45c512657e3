package threatintel

import (
	"cmp"
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
	"github.com/vigil-health/vigil/internal/store"
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
	at := s.now()
	path, err := s.spool(r)
	if err != nil {
		// The feed shows why, rather than "never pulled" (it may have just been registered),
		// also when the upload was cut by the request's end or the server stopping.
		rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := s.recordUpload(rec, p, u, f, at, nil, err); rerr != nil {
			s.log.ErrorContext(ctx, "record refused upload", slog.String("source", f.Name), slog.Any("error", rerr))
		}
		return vigil.ImportJob{}, err
	}
	j, err := s.store.CreateImportJob(ctx, vigil.ImportJob{Kind: vigil.JobUpload, StartedBy: p.Email, Source: f.Name,
		File: u.Name, Node: s.node(), LeaseUntil: s.now().Add(jobLease)})
	if err != nil {
		_ = os.Remove(path)
		return j, err
	}
	u.Source = f.Name
	started := s.jobs.Start(ctx, func(ctx context.Context) {
		defer os.Remove(path)
		s.runJob(ctx, j, func(ctx context.Context, progress func(vigil.ImportProgress)) (any, error) {
			return s.importSpooled(ctx, p, u, path, progress)
		})
	})
	if !started {
		_ = os.Remove(path)
		s.endStopped(ctx, j, vigil.ImportProgress{})
		return vigil.ImportJob{}, errStopping
	}
	return j, nil
}

// errStopping refuses work a server that is stopping would not finish.
var errStopping = vigil.Errorf(vigil.EUNAVAILABLE, "this server is stopping; send the file again in a minute (another server, or this one restarted, will take it)")

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
//
// A second pull of the feed never starts while one is under way, on this server or
// another: a pull job of the feed queued or running is returned instead, when p may
// follow it, so that a second "pull now" follows the first; a scheduled pull under way
// (the lease pullJobName names, held) is a conflict that says when to try again.
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
	if j, found, err := s.store.UnfinishedFeedPull(ctx, f.ID); err != nil || found {
		return s.followPull(ctx, p, f, j, err)
	}
	if leased, err := s.store.JobLeased(ctx, pullJobName(f.ID), s.now()); err != nil || leased {
		return vigil.ImportJob{}, cmp.Or(err, errPulling(f))
	}
	j, created, err := s.store.QueueFeedPull(ctx, vigil.ImportJob{Kind: vigil.JobFeedPull, StartedBy: p.Email, Source: f.Name, FeedID: f.ID})
	if err != nil || !created {
		return s.followPull(ctx, p, f, j, err)
	}
	if _, err := s.store.Audit(ctx, p.Email, "feed.pull", feedTarget(f), map[string]any{"job": j.ID}); err != nil {
		s.log.ErrorContext(ctx, "audit feed pull", "feed", f.Name, "error", err)
	}
	// A server that is stopping leaves the job queued, for the next server to run.
	s.jobs.Start(ctx, func(ctx context.Context) { s.claimAndRun(ctx, j.ID) })
	return j, nil
}

// followPull answers a request of p to pull f while job j pulls it: the job, when p may
// follow it (whoever started it and sector analysts); otherwise a conflict that says
// when to try again. err, from finding j, is returned as it is. A job still queued (put
// back by a server that stopped) is started here at once, unless this server is
// stopping too, rather than at the next server's tick: "pull now" means now.
func (s *Service) followPull(ctx context.Context, p vigil.Principal, f vigil.Feed, j vigil.ImportJob, err error) (vigil.ImportJob, error) {
	switch {
	case err != nil:
		return vigil.ImportJob{}, err
	case j.StartedBy != p.Email && p.Role != vigil.RoleSectorAnalyst:
		return vigil.ImportJob{}, errPulling(f)
	}
	if j.State == vigil.JobQueued {
		s.jobs.Start(ctx, func(ctx context.Context) { s.claimAndRun(ctx, j.ID) })
	}
	return j, nil
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
		return s.pullJob(ctx, j, progress)
	})
	return true
}

// pullJob pulls job j's feed; a pull that ended in error fails the job with it, and so
// does a feed deleted before the job started.
func (s *Service) pullJob(ctx context.Context, j vigil.ImportJob, progress func(vigil.ImportProgress)) (any, error) {
	f, err := s.jobFeed(ctx, j)
	if err != nil {
		return nil, err
	}
	var pullErr error
	ran := s.once(ctx, pullJobName(f.ID), 0, func(ctx context.Context) { _, pullErr = s.pull(ctx, f, progress) })
	if !ran {
		return nil, errPulling(f)
	}
	if pullErr != nil {
		return nil, pullErr
	}
	if f, err = s.jobFeed(ctx, j); err != nil {
		return nil, err
	}
	report := map[string]any{"feed": f.Name, "status": f.Status, "error": f.LastError, "counts": f.Counts}
	if f.Status == vigil.FeedError {
		return report, vigil.Errorf(vigil.EINVALID, "%s", f.LastError)
	}
	return report, nil
}

// jobFeed reads pull job j's feed; one deleted is the job's error, worded for whoever
// follows it.
func (s *Service) jobFeed(ctx context.Context, j vigil.ImportJob) (vigil.Feed, error) {
	f, err := s.store.GetFeed(ctx, j.FeedID)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return f, store.FeedDeletedError(j.Source)
	}
	return f, err
}

// takeOverJobs fails the uploads of servers that stopped and runs, one at a time, the
// feed pulls waiting or left by them. Run calls it on its tick.
func (s *Service) takeOverJobs(ctx context.Context) {
	n, err := s.store.FailAbandonedUploads(ctx, s.now(), uploadStopped)
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
// A job that failed because ctx ended (the server stopping) is ended by endStopped.
func (s *Service) runJob(ctx context.Context, j vigil.ImportJob, fn func(context.Context, func(vigil.ImportProgress)) (any, error)) {
	jobCtx, cancel := context.WithCancel(ctx)
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
		s.renewJob(jobCtx, cancel, j.ID, current, done)
	}()
	report, err := fn(jobCtx, progress)
	close(done)
	<-renewed
	if err != nil && ctx.Err() != nil {
		s.endStopped(ctx, j, current())
		return
	}
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

// uploadStopped is why an upload whose server stopped failed.
const uploadStopped = "the server importing this upload stopped before it finished; what it stored was kept: upload the file again to complete it"

// endStopped ends job j, cut short by its server stopping, as a person expects: a feed
// pull goes back to the queue, for the next server (or this one restarted) to pull the
// feed again from its last state; an upload fails saying so, since its file was on this
// server.
func (s *Service) endStopped(ctx context.Context, j vigil.ImportJob, p vigil.ImportProgress) {
	fin, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	var err error
	msg, attrs := "upload failed: the server is stopping; it must be sent again",
		[]any{slog.Int64("job", j.ID), slog.String("source", j.Source), slog.String("file", j.File)}
	if j.Kind == vigil.JobFeedPull {
		_, err = s.store.ReleaseImportJob(fin, j.ID, s.node(), p)
		msg, attrs = "feed pull put back in the queue: the server is stopping", []any{slog.String("feed", j.Source), slog.Int64("job", j.ID)}
	} else {
		_, err = s.store.FinishImportJob(fin, j.ID, s.node(), vigil.JobFailed, p, nil, uploadStopped)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "end import job cut short by the server stopping", slog.Int64("job", j.ID), slog.Any("error", err))
		return
	}
	s.log.InfoContext(ctx, msg, attrs...)
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
			s.log.WarnContext(ctx, "import job ended elsewhere (taken over by another server, or its feed deleted); stopping it", slog.Int64("job", id))
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

// WaitJobs waits for the jobs this server started in the background to end, leaving
// them to run: tests call it.
func (s *Service) WaitJobs() { s.jobs.Wait() }

// StopJobs cancels the import jobs this server runs in the background and waits until
// each has recorded how it ended: a feed pull goes back to the queue for the next server,
// an upload fails saying the server stopped. Jobs asked for afterwards are not started
// here (a pull stays queued for another server; an upload is refused). A server that
// stops calls it before closing the store, bounding the wait itself.
func (s *Service) StopJobs() { s.jobs.Stop() }
