// Package accounts holds the use cases of people and their credentials: signing in and out, finding who a request comes from (a session or an API token), adding users, and creating, listing and revoking API tokens.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction, and writes its audit entry inside that
// transaction, so a failed audit write fails the change. The API, the pages and the
// command line call these methods; none of them opens a transaction of its own.
// Signing in has no principal yet: it is the one use case anyone may try, bounded by
// the login limits instead.
package accounts

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// DefaultSessionTTL is how long a sign-in lasts when Deps.SessionTTL is zero: a working day.
const DefaultSessionTTL = 8 * time.Hour

// LoginLimits bound failed sign-ins: past either limit within Window, sign-ins for that
// email or from that address are refused until the failures age out.
type LoginLimits struct {
	// Window is how far back failures count (15 minutes when zero).
	Window time.Duration
	// PerEmail is how many failures one email may have in the window (5 when zero).
	PerEmail int
	// PerIP is how many failures one client address may have in the window (20 when zero).
	PerIP int
}

// DefaultLoginLimits are the limits zero fields of LoginLimits take.
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerEmail: 5, PerIP: 20}

func (l LoginLimits) orDefaults() LoginLimits {
	if l.Window <= 0 {
		l.Window = DefaultLoginLimits.Window
	}
	if l.PerEmail <= 0 {
		l.PerEmail = DefaultLoginLimits.PerEmail
	}
	if l.PerIP <= 0 {
		l.PerIP = DefaultLoginLimits.PerIP
	}
	return l
}

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work and security events; nil discards them.
	Logger *slog.Logger
	// Now is the clock for the login limits' window; nil means time.Now.
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts (DefaultSessionTTL when zero).
	SessionTTL time.Duration
	// Login bounds failed sign-ins; zero fields take DefaultLoginLimits'.
	Login LoginLimits
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store      *store.Store
	log        *slog.Logger
	now        func() time.Time
	sessionTTL time.Duration
	login      LoginLimits
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, sessionTTL: d.SessionTTL, login: d.Login.orDefaults()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = DefaultSessionTTL
	}
	return s
}

// userTarget and tokenTarget are how the audit log names a user and a token.
func userTarget(id int64) string  { return "user/" + strconv.FormatInt(id, 10) }
func tokenTarget(id int64) string { return "token/" + strconv.FormatInt(id, 10) }
