// Package support holds the use cases of getting help: linking providers to the Local
// Support Organisation (LSO) that serves them, a provider asking its LSO for help with
// the context attached, and the LSO's queue, replies and closing. Who sees a request:
// the organisation that asked, the LSO it went to, and the sector centre; nobody else.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction and writes its audit entry inside it.
package support

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Who may do what. People of an organisation (a provider's or an LSO's) work its
// requests; sector roles see and may answer all of them; suppliers and sensors none.
var workers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin, vigil.RoleOrgMember}

// LinkLSO links provider to the Local Support Organisation lso (sector roles only);
// an empty lso removes the link.
func (s *Service) LinkLSO(ctx context.Context, p vigil.Principal, provider, lso string) error {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return err
	}
	code, err := vigil.NormalizeODS(provider)
	if err != nil {
		return err
	}
	if lso != "" {
		if lso, err = vigil.NormalizeODS(lso); err != nil {
			return err
		}
	}
	return s.store.Tx(ctx, func(tx *store.Store) error {
		if lso == "" {
			err = tx.ClearLSO(ctx, code)
		} else {
			err = tx.SetLSO(ctx, code, lso)
		}
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "lso.link", code, map[string]any{"lso": lso})
		return err
	})
}

// Providers lists the providers the Local Support Organisation lso serves: the LSO's
// own people and sector roles may ask.
func (s *Service) Providers(ctx context.Context, p vigil.Principal, lso string) ([]vigil.Org, error) {
	if err := p.Need(workers...); err != nil {
		return nil, err
	}
	if lso == "" {
		lso = p.Org
	}
	if !p.CanSeeOrg(lso) {
		return nil, vigil.OrgNotFound(lso)
	}
	return s.store.LSOProviders(ctx, lso)
}

// List returns the requests p may see, newest first: an LSO's people its queue, a
// provider's people their own, sector roles every one (or those f names).
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.SupportFilter) ([]vigil.SupportRequest, error) {
	if err := p.Need(workers...); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, vigil.Errorf(vigil.EINVALID, "status %q must be open, answered or closed", f.Status)
	}
	var out []vigil.SupportRequest
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		if !p.Role.Sector() {
			isLSO, err := s.isLSO(ctx, tx, p)
			if err != nil {
				return err
			}
			f.Org, f.LSO = p.Org, ""
			if isLSO {
				f.Org, f.LSO = "", p.Org
			}
		}
		var err error
		out, err = tx.SupportRequests(ctx, f)
		return err
	})
	return out, err
}

// isLSO reports whether p belongs to a Local Support Organisation.
func (s *Service) isLSO(ctx context.Context, tx *store.Store, p vigil.Principal) (bool, error) {
	if p.Org == "" {
		return false, nil
	}
	o, err := tx.GetOrg(ctx, p.Org)
	if err != nil {
		return false, err
	}
	return o.Kind == vigil.OrgLSO, nil
}

// Get returns request id with its replies, when p may see it.
func (s *Service) Get(ctx context.Context, p vigil.Principal, id int64) (vigil.SupportRequest, error) {
	if err := p.Need(workers...); err != nil {
		return vigil.SupportRequest{}, err
	}
	var r vigil.SupportRequest
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		r, err = visible(ctx, tx, p, id)
		return err
	})
	return r, err
}

// visible reads request id for p, or answers not found when p may not see it.
func visible(ctx context.Context, tx *store.Store, p vigil.Principal, id int64) (vigil.SupportRequest, error) {
	r, err := tx.SupportRequest(ctx, id)
	if err != nil {
		return r, err
	}
	if !p.Role.Sector() && (p.Org == "" || (p.Org != r.Org && p.Org != r.LSO)) {
		return vigil.SupportRequest{}, store.SupportNotFound(id)
	}
	return r, nil
}

func target(id int64) string { return "support/" + strconv.FormatInt(id, 10) }
