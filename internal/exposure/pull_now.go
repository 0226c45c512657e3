package exposure

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
)

// "Pull now": a person asks for a pull of a source whatever its schedule. It runs in the
// background, so that a person who stops waiting does not stop it, holding the source's
// lease as a scheduled pull does; a server that stops cuts it short (StopPulls).

// PullSource pulls the source now for the sector centre's p, whatever its schedule, and
// returns it with the pull's outcome. A pull that fails is not an error here: the source
// keeps its previous data and shows the error in its status. The pull runs as
// StartPull's does, with its conflicts.
func (s *Service) PullSource(ctx context.Context, p vigil.Principal, id int64) (vigil.AdvisorySource, error) {
	done, err := s.StartPull(ctx, p, id)
	if err != nil {
		return vigil.AdvisorySource{}, err
	}
	select {
	case err := <-done:
		if err != nil {
			return vigil.AdvisorySource{}, err
		}
	case <-ctx.Done():
		return vigil.AdvisorySource{}, ctx.Err()
	}
	return s.store.GetAdvisorySource(ctx, id)
}

// StartPull starts a pull of the source for the sector centre's p in the background and
// returns a channel that gives the pull's error, if any (the database's, or unavailable
// when this server stopped before the pull ended), and is closed when the pull has ended;
// the source's status then says how it went.
//
// A second pull of a source never starts while one runs, scheduled or asked for, on this
// server or another: that is a conflict saying where its outcome will show. A server
// that is stopping starts none. The pull commits as it goes, so it is audited when it
// ends and a failed audit write is logged.
func (s *Service) StartPull(ctx context.Context, p vigil.Principal, id int64) (<-chan error, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	a, err := s.store.GetAdvisorySource(ctx, id)
	if err != nil {
		return nil, err
	}
	if leased, err := s.store.JobLeased(ctx, pullJobName(id), s.now()); err != nil || leased {
		return nil, cmp.Or(err, errPulling(a))
	}
	started, done := make(chan error, 1), make(chan error, 1)
	ok := s.asked.Start(ctx, func(ctx context.Context) {
		defer close(done)
		ran := s.once(ctx, pullJobName(id), 0, func(ctx context.Context) {
			started <- nil
			if err := s.pullAsked(ctx, p, a); err != nil {
				done <- err
			}
		})
		if !ran { // another pull took the lease since JobLeased, the server is stopping, or the claim failed (logged)
			started <- cmp.Or(stoppingErr(ctx), errPulling(a))
		}
	})
	if !ok {
		return nil, errStopping
	}
	if err := <-started; err != nil {
		return nil, err
	}
	return done, nil
}

// pullAsked runs the pull p asked for, its lease held, and audits it. Its error is the
// database's, or unavailable when the server stopped before the pull ended; such a pull
// is not recorded on the source.
func (s *Service) pullAsked(ctx context.Context, p vigil.Principal, a vigil.AdvisorySource) error {
	err := s.pull(ctx, a)
	end, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	if ctx.Err() != nil {
		s.log.InfoContext(end, "advisory pull cut short: the server is stopping", slog.String("source", a.Name))
		s.auditPull(end, p, a, map[string]any{"cut_short": true})
		return errStopped(a)
	}
	if err != nil {
		s.log.ErrorContext(end, "advisory pull", slog.String("source", a.Name), slog.Any("error", err))
	}
	if after, gerr := s.store.GetAdvisorySource(end, a.ID); gerr == nil { // else deleted while it was pulled
		s.auditPull(end, p, after, map[string]any{"status": after.Status})
	}
	return err
}

// auditPull records that p pulled a, logging a failed write.
func (s *Service) auditPull(ctx context.Context, p vigil.Principal, a vigil.AdvisorySource, detail map[string]any) {
	if _, err := s.store.Audit(ctx, p.Email, "advisory_source.pull", sourceTarget(a), detail); err != nil {
		s.log.ErrorContext(ctx, "audit advisory pull", slog.String("source", a.Name), slog.Any("error", err))
	}
}

// errPulling refuses a pull of a while another runs.
func errPulling(a vigil.AdvisorySource) error {
	return vigil.Errorf(vigil.ECONFLICT,
		"%q is being pulled already: its status shows how that pull went once it ends, and you can pull it again then", a.Name)
}

// errStopping refuses a pull on a server that is stopping.
var errStopping = vigil.Errorf(vigil.EUNAVAILABLE, "this server is stopping; pull again in a minute (another server, or this one restarted, will do it)")

// stoppingErr is errStopping once ctx, a pull's, has ended; nil before.
func stoppingErr(ctx context.Context) error {
	if ctx.Err() != nil {
		return errStopping
	}
	return nil
}

// errStopped says a pull of a was cut short by its server stopping.
func errStopped(a vigil.AdvisorySource) error {
	return vigil.Errorf(vigil.EUNAVAILABLE,
		"the server stopped before the pull of %q ended, so its status is as before: pull it again in a minute", a.Name)
}

// Pulling reports whether source id is being pulled now, on this server or another (its
// lease is held). A failure to read that says no, and is logged.
func (s *Service) Pulling(ctx context.Context, id int64) bool {
	leased, err := s.store.JobLeased(ctx, pullJobName(id), s.now())
	if err != nil {
		s.log.WarnContext(ctx, "read whether an advisory source is being pulled", slog.Int64("source", id), slog.Any("error", err))
	}
	return leased
}

// WaitPulls waits for the pulls started in the background to end, leaving them to run:
// tests call it.
func (s *Service) WaitPulls() { s.asked.Wait() }

// StopPulls cuts short the pulls people asked for that run on this server and waits
// until each has ended: its lease let go and nothing recorded on the source, so that it
// stays as it was and can be pulled again at once, here or at another server. Pulls asked
// for afterwards are refused as unavailable. A server that stops calls it before closing
// the store.
func (s *Service) StopPulls() { s.asked.Stop() }
