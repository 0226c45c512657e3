// Package orgs holds the use cases of organisations: registering them and their assets (IP ranges, domains, host names), contacts and supplier links, changing them, listing what a caller may see, and reviewing overlapping asset claims.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction, and writes its audit entry inside that
// transaction, so a failed audit write fails the change. The API, the pages and the
// command line call these methods; none of them opens a transaction of its own.
package orgs

import (
	"context"
	"log/slog"
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
	// AssetsChanged is called after a change of some organisation's assets has been
	// committed (to rebuild the Early Warning router); nil when nothing listens. Its
	// error is logged, not returned: the change is stored either way.
	AssetsChanged func(context.Context) error
	// Limits are the widest networks an organisation could own (config's
	// max_ipv4_prefix and max_ipv6_prefix); zero fields mean vigil's defaults.
	Limits vigil.AssetLimits
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store         *store.Store
	log           *slog.Logger
	now           func() time.Time
	assetsChanged func(context.Context) error
	limits        vigil.AssetLimits
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, assetsChanged: d.AssetsChanged, limits: d.Limits}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// changedAssets tells whoever listens that assets changed. The change is committed, so a
// failure is logged rather than returned; the router is rebuilt on the next change or
// restart.
func (s *Service) changedAssets(ctx context.Context) {
	if s.assetsChanged == nil {
		return
	}
	if err := s.assetsChanged(context.WithoutCancel(ctx)); err != nil {
		s.log.ErrorContext(ctx, "rebuild the asset router", slog.Any("error", err))
	}
}
