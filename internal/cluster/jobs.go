package cluster

import (
	"context"
	"log/slog"
	"time"
)

// Once runs fn as the scheduled job name when this server wins the job's lease and the
// job was not done in the last every (0: whenever no other server is running it), less a
// tenth, so that a job run on a ticker of every is not skipped for finishing a little
// after the tick it started on. It reports whether fn ran. The lease is renewed while fn runs; if it is lost (the
// database was unreachable for longer than the lease, and another server took the job)
// fn's context is cancelled. A server that dies in fn leaves the job to another server
// once the lease ends.
func (s *Service) Once(ctx context.Context, name string, every time.Duration, fn func(context.Context)) bool {
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
	fin, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer stop()
	if err := s.store.FinishJob(fin, name, s.id, s.now()); err != nil {
		s.log.ErrorContext(ctx, "finish scheduled job", slog.String("job", name), slog.Any("error", err))
	}
	return true
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
