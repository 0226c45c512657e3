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
// keeps its previous data and shows the error in its status. The pull commits as it
// goes, so it is audited afterwards and a failed audit write is logged.
func (s *Service) PullSource(ctx context.Context, p vigil.Principal, id int64) (vigil.AdvisorySource, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.AdvisorySource{}, err
	}
	a, err := s.store.GetAdvisorySource(ctx, id)
	if err != nil {
		return a, err
	}
	if err := s.pull(ctx, a); err != nil {
		return a, err
	}
	if a, err = s.store.GetAdvisorySource(ctx, id); err != nil {
		return a, err
	}
	if _, err := s.store.Audit(ctx, p.Email, "advisory_source.pull", sourceTarget(a), map[string]any{"status": a.Status}); err != nil {
		s.log.ErrorContext(ctx, "audit advisory pull", "source", a.Name, "error", err)
	}
	return a, nil
}

// sourceTarget is a source as the audit log names it.
func sourceTarget(a vigil.AdvisorySource) string {
	return "advisory_source/" + strconv.FormatInt(a.ID, 10)
}
