package exposure

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// The advisory sources registry: only the sector centre's people curate it, as they do
// the intel feeds.

// CreateSource registers an advisory source for the sector centre's p; Run pulls it
// within a minute. A source with a path must be inside the configured advisory directory.
func (s *Service) CreateSource(ctx context.Context, p vigil.Principal, a vigil.AdvisorySource) (vigil.AdvisorySource, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.AdvisorySource{}, err
	}
	if err := a.Validate(); err != nil {
		return vigil.AdvisorySource{}, err
	}
	if err := s.checkPath(a.Path); err != nil {
		return vigil.AdvisorySource{}, err
	}
	var created vigil.AdvisorySource
	err := s.store.Tx(ctx, func(tx *store.Store) (err error) {
		if created, err = tx.CreateAdvisorySource(ctx, a); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "advisory_source.create", sourceTarget(created), map[string]any{
			"name": created.Name, "kind": created.Kind, "from": created.Where()})
		return err
	})
	return created, err
}

// UpdateSource changes an advisory source for the sector centre's p: its name, where it
// is read from, its schedule, or whether it is pulled on it. The same rules apply as on
// registering it; its kind does not change. A source moved elsewhere is pulled whole on
// its next pull.
func (s *Service) UpdateSource(ctx context.Context, p vigil.Principal, id int64, patch vigil.AdvisorySourcePatch) (vigil.AdvisorySource, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.AdvisorySource{}, err
	}
	var updated vigil.AdvisorySource
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		old, err := tx.GetAdvisorySource(ctx, id)
		if err != nil {
			return err
		}
		want, moved := old.Patched(patch)
		if err := want.Validate(); err != nil {
			return err
		}
		if err := s.checkPath(want.Path); err != nil {
			return err
		}
		if updated, err = tx.UpdateAdvisorySource(ctx, id, patch); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "advisory_source.update", sourceTarget(updated), sourceChanges(old, updated, moved))
		return err
	})
	return updated, err
}

// sourceChanges is what an update changed, for the audit log: each changed setting's
// old and new value (addresses redacted).
func sourceChanges(old, now vigil.AdvisorySource, moved bool) map[string]any {
	d := map[string]any{"name": now.Name}
	if old.Name != now.Name {
		d["old_name"] = old.Name
	}
	if moved {
		d["old_from"], d["new_from"] = old.Where(), now.Where()
	}
	if old.Schedule != now.Schedule {
		d["old_schedule_seconds"], d["new_schedule_seconds"] = int64(old.Schedule.Seconds()), int64(now.Schedule.Seconds())
	}
	if old.Enabled != now.Enabled {
		d["enabled"] = now.Enabled
	}
	return d
}

// checkPath refuses a path outside the advisory directory, so that registering a source
// cannot read any file the server can.
func (s *Service) checkPath(path string) error {
	if path == "" {
		return nil
	}
	if s.dir == "" {
		return vigil.Errorf(vigil.EINVALID, "sources on the server's disk are off: set advisory_dir (VIGIL_ADVISORY_DIR) to the mirror's directory, or give a url")
	}
	dir, err := filepath.Abs(s.dir)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(dir, path); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return vigil.Errorf(vigil.EINVALID, "path %q is outside the advisory directory %s: put the file there", path, dir)
	}
	return nil
}

// DeleteSource removes an advisory source and the data it held, for the sector centre's
// p; every server rebuilds its matcher without it. Findings it gave stay until the next
// check of each organisation.
func (s *Service) DeleteSource(ctx context.Context, p vigil.Principal, id int64) error {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return err
	}
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		a, err := tx.DeleteAdvisorySource(ctx, id)
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "advisory_source.delete", sourceTarget(a), map[string]any{"name": a.Name, "kind": a.Kind})
		return err
	})
	if err != nil {
		return err
	}
	return s.Rebuild(ctx)
}

// GetSource returns one advisory source with how its last pull went.
func (s *Service) GetSource(ctx context.Context, p vigil.Principal, id int64) (vigil.AdvisorySource, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.AdvisorySource{}, err
	}
	return s.store.GetAdvisorySource(ctx, id)
}

// ListSources lists the advisory sources by name, with how their last pulls went.
func (s *Service) ListSources(ctx context.Context, p vigil.Principal) ([]vigil.AdvisorySource, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	return s.store.ListAdvisorySources(ctx)
}

// PullSource pulls the source now for the sector centre's p, whatever its schedule, and
// returns it with the pull's outcome. A pull that fails is not an error here: the source
// keeps its previous data and shows the error in its status. The pull runs as
// StartPull's does, so a person who stops waiting does not stop it.
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
// returns a channel that gives the database's error, if any, and is closed when the pull
// has ended; the source's status then says how it went. A source this server is pulling
// already is a conflict. The pull commits as it goes, so it is audited when it ends and a
// failed audit write is logged.
func (s *Service) StartPull(ctx context.Context, p vigil.Principal, id int64) (<-chan error, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	a, err := s.store.GetAdvisorySource(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.claimPull(id) {
		return nil, vigil.Errorf(vigil.ECONFLICT, "%q is being pulled already: its outcome shows on the source when the pull ends", a.Name)
	}
	done := make(chan error, 1)
	bg := context.WithoutCancel(ctx)
	s.pulls.Go(func() {
		defer close(done)
		defer s.pulling.Delete(id)
		if err := s.pull(bg, a); err != nil {
			s.log.ErrorContext(bg, "advisory pull", slog.String("source", a.Name), slog.Any("error", err))
			done <- err
		}
		after, err := s.store.GetAdvisorySource(bg, id)
		if err != nil { // deleted while it was pulled
			return
		}
		if _, err := s.store.Audit(bg, p.Email, "advisory_source.pull", sourceTarget(after), map[string]any{"status": after.Status}); err != nil {
			s.log.ErrorContext(bg, "audit advisory pull", slog.String("source", a.Name), slog.Any("error", err))
		}
	})
	return done, nil
}

// Pulling reports whether this server is pulling source id now.
func (s *Service) Pulling(id int64) bool {
	_, ok := s.pulling.Load(id)
	return ok
}

// claimPull marks source id as being pulled by this server; false when it is already.
func (s *Service) claimPull(id int64) bool {
	_, busy := s.pulling.LoadOrStore(id, struct{}{})
	return !busy
}

// WaitPulls waits for the pulls started in the background to end, for tests.
func (s *Service) WaitPulls() { s.pulls.Wait() }

// sourceTarget is a source as the audit log names it.
func sourceTarget(a vigil.AdvisorySource) string {
	return "advisory_source/" + strconv.FormatInt(a.ID, 10)
}
