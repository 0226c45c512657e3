// Package auditlog holds the use cases of the audit log: reading it and verifying its hash
// chain, and the HeadRecorder that keeps the chain's head outside the database.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction, and writes its audit entry inside that
// transaction, so a failed audit write fails the change. The API, the pages and the
// command line call these methods; none of them opens a transaction of its own.
package auditlog

import (
	"log/slog"
	"time"

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
