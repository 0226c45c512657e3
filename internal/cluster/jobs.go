package cluster

import (
	"context"
	"log/slog"
	"time"
)

// Once runs fn as the scheduled job name when this server wins the job's lease and the
// job was not done in the last every (0: whenever no other server is running it), less a
// tenth, so that a job run on a ticker of every is not skipped for finishing a little
// after the tick it started on. It reports whether fn ran.
//
// A server never runs a job it is running already: the lease alone would let it, since
// a server may claim again a lease it holds (a restarted server with the same ID takes
// back its own job at once), so two goroutines of one server asking together would both
// win. A server that dies in fn leaves the job to another once the lease ends.
//
// The lease is renewed while fn runs; if it is lost (the database was unreachable for
// longer than the lease, and another server took the job) fn's context is cancelled.
// A job whose context ended (the server stopping, or the lease lost) is not recorded as
// done: its lease is let go, so that another server runs it again without waiting for
// the lease to run out.
func (s *Service) Once(ctx context.Context, name string, every time.Duration, fn func(context.Context)) bool {
	if !s.enter(name) {
		return false
	}
	defer s.leave(name)
	got, err := s.store.ClaimJob(ctx, name, s.id, s.now(), every-every/10, Lease)
	if err != nil {
		if ctx.Err() == nil {
			s.log.ErrorContext(ctx, "claim scheduled job", slog.String("job", name), slog.Any("error", err))
		}
		return false
	}
	if !got {
		return false
	}
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go s.renew(jobCtx, cancel, name, done)
	fn(jobCtx)
	close(done)
	s.end(ctx, name, jobCtx.Err() != nil)
	return true
}

// end records that this server finished job name, or only lets its lease go when the
// job was cut short.
func (s *Service) end(ctx context.Context, name string, cut bool) {
	fin, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer stop()
	var err error
	if cut {
		err = s.store.ReleaseJob(fin, name, s.id)
	} else {
		err = s.store.FinishJob(fin, name, s.id, s.now())
	}
	if err != nil {
		s.log.ErrorContext(ctx, "end scheduled job", slog.String("job", name), slog.Bool("cut_short", cut), slog.Any("error", err))
	}
}

// enter marks job name as running on this server; false when it is already.
func (s *Service) enter(name string) bool {
	s.runningMu.Lock()
	defer s.runningMu.Unlock()
	if s.running[name] {
		return false
	}
	s.running[name] = true
	return true
}

// leave marks job name as no longer running on this server.
func (s *Service) leave(name string) {
	s.runningMu.Lock()
	defer s.runningMu.Unlock()
	delete(s.running, name)
}

// renew extends the lease every third of it until done is closed, cancelling the job
// when the lease is lost.
func (s *Service) renew(ctx context.Context, cancel context.CancelFunc, name string, done <-chan struct{}) {
	t := time.NewTicker(Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := s.store.RenewJob(ctx, name, s.id, s.now().Add(Lease))
		if err == nil && !ok {
			s.log.WarnContext(ctx, "lost the lease of a scheduled job; stopping it", slog.String("job", name))
			cancel()
			return
		}
	}
}
