package exposure

import (
	"context"
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

// sourceTarget is a source as the audit log names it.
func sourceTarget(a vigil.AdvisorySource) string {
	return "advisory_source/" + strconv.FormatInt(a.ID, 10)
}
