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
	"context"
	"log/slog"
	"runtime"
	"strconv"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// DefaultSessionTTL is how long a sign-in lasts when Deps.SessionTTL is zero: the
// configuration's default, a long shift.
const DefaultSessionTTL = 12 * time.Hour

// DefaultIdleTimeout is how long a session may go unused before it ends, when
// Deps.IdleTimeout is zero.
const DefaultIdleTimeout = time.Hour

// LoginLimits slow down repeated sign-ins rather than lock accounts out. Within Window,
// an address may have PerIP attempts that failed (or are being checked), and an email
// from one address PerEmail, freely; past that, each further attempt from that address
// must wait after the one before, one second and then twice as long each time, up to
// MaxDelay, and is refused unchecked until then. These count only the address's own
// failures, so nobody can keep a colleague out by failing from elsewhere: the right
// password from an address that has not been failing always gets in. Someone guessing
// from many addresses is slowed by PerAccount instead: past PerAccount wrong passwords
// for an email, from any addresses, the answer to each further wrong password is held
// back as long (up to MaxDelay), while a right one is answered at once.
type LoginLimits struct {
	// Window is how far back attempts count (15 minutes when zero).
	Window time.Duration
	// PerEmail is how many attempts one email may have from one address in the window before they slow down (5 when zero).
	PerEmail int
	// PerIP is how many attempts one client address may have in the window before they slow down (20 when zero).
	PerIP int
	// PerAccount is how many wrong passwords one email may have from all addresses in the window before the answers to wrong ones are held back (10 when zero).
	PerAccount int
	// MaxDelay is the longest wait between slowed-down attempts (1 minute when zero).
	MaxDelay time.Duration
}

// DefaultLoginLimits are the limits zero fields of LoginLimits take.
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerEmail: 5, PerIP: 20, PerAccount: 10, MaxDelay: time.Minute}

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
	if l.PerAccount <= 0 {
		l.PerAccount = DefaultLoginLimits.PerAccount
	}
	if l.MaxDelay <= 0 {
		l.MaxDelay = DefaultLoginLimits.MaxDelay
	}
	return l
}

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work and security events; nil discards them.
	Logger *slog.Logger
	// Now is the clock for the login limits; nil means time.Now.
	Now func() time.Time
	// Sleep holds back the answer to a wrong password for d, or until ctx ends; nil
	// waits on a timer. Tests pass one that only notes d.
	Sleep func(ctx context.Context, d time.Duration)
	// SessionTTL is how long a sign-in lasts (DefaultSessionTTL when zero).
	SessionTTL time.Duration
	// IdleTimeout ends a session unused for this long (DefaultIdleTimeout when zero;
	// below zero, sessions only end at SessionTTL).
	IdleTimeout time.Duration
	// Login bounds repeated sign-ins; zero fields take DefaultLoginLimits'.
	Login LoginLimits
	// HashConcurrency bounds the password hashes computed at once, each taking about
	// 19 MiB and a core for some 30 ms (the number of usable cores when zero); a sign-in
	// that finds every slot taken for HashWait is refused as too many requests.
	HashConcurrency int
	// HashWait is how long a sign-in waits for a hashing slot (1 second when zero).
	HashWait time.Duration
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store      *store.Store
	log        *slog.Logger
	now        func() time.Time
	sleep      func(context.Context, time.Duration)
	sessionTTL time.Duration
	idle       time.Duration
	login      LoginLimits
	hashSlots  chan struct{} // one token per password hash running
	hashWait   time.Duration
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, sleep: d.Sleep, sessionTTL: d.SessionTTL, idle: d.IdleTimeout,
		login: d.Login.orDefaults(), hashWait: d.HashWait}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sleep == nil {
		s.sleep = sleep
	}
	if s.sessionTTL <= 0 {
		s.sessionTTL = DefaultSessionTTL
	}
	if s.idle == 0 {
		s.idle = DefaultIdleTimeout
	}
	if d.HashConcurrency <= 0 {
		d.HashConcurrency = runtime.GOMAXPROCS(0)
	}
	s.hashSlots = make(chan struct{}, d.HashConcurrency)
	if s.hashWait <= 0 {
		s.hashWait = time.Second
	}
	return s
}

// userTarget and tokenTarget are how the audit log names a user and a token.
func userTarget(id int64) string  { return "user/" + strconv.FormatInt(id, 10) }
func tokenTarget(id int64) string { return "token/" + strconv.FormatInt(id, 10) }
