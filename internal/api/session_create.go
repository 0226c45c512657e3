package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Sign-in rate limits: failures in the window, per email and per client address.
const (
	loginWindow      = 15 * time.Minute
	loginMaxPerEmail = 5
	loginMaxPerIP    = 20
)

type sessionCreateIn struct {
	Body struct {
		Email    string `json:"email" maxLength:"254" example:"analyst@centre.example"`
		Password string `json:"password" maxLength:"4096" writeOnly:"true"`
	}
}

type sessionCreateOut struct {
	SetCookie    http.Cookie `header:"Set-Cookie"`
	CacheControl string      `header:"Cache-Control"`
	Body         struct {
		User      User      `json:"user"`
		ExpiresAt time.Time `json:"expires_at" doc:"When the session ends; sign in again after."`
	}
}

// sessionCreate signs a user in: it checks the password, starts a server-side session
// and sets its cookie. Repeated failures for one email or from one address are refused
// for a while (429), before the password is even checked.
func (a *API) sessionCreate(ctx context.Context, in *sessionCreateIn) (*sessionCreateOut, error) {
	email, ip := in.Body.Email, ClientIPFrom(ctx)
	if err := a.loginAllowed(ctx, email, ip); err != nil {
		return nil, err
	}
	u, err := a.store.Authenticate(ctx, email, in.Body.Password)
	if err != nil {
		return nil, a.loginFailed(ctx, email, ip, err)
	}
	var id string
	var expires time.Time
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		if id, expires, err = tx.CreateSession(ctx, u.ID, a.sessionTTL); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, u.Email, "user.login", userTarget(u.ID), map[string]any{"ip": ip})
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &sessionCreateOut{SetCookie: a.sessionCookie(id, expires), CacheControl: "no-store"}
	out.Body.User, out.Body.ExpiresAt = userOut(u), expires
	return out, nil
}

// loginAllowed refuses a sign-in when the email or the address has failed too often.
func (a *API) loginAllowed(ctx context.Context, email, ip string) error {
	byEmail, byIP, err := a.store.RecentLoginFailures(ctx, email, ip, a.now().Add(-loginWindow))
	if err != nil {
		return err
	}
	if byEmail < loginMaxPerEmail && byIP < loginMaxPerIP {
		return nil
	}
	a.log.WarnContext(ctx, "sign-in throttled", slog.String("email", email), slog.String("ip", ip),
		slog.Int("failures_email", byEmail), slog.Int("failures_ip", byIP))
	return &throttled{after: loginWindow,
		message: "too many failed sign-ins for this account or from this address: wait 15 minutes and try again, or ask your administrator to reset your password"}
}

// loginFailed records a failed sign-in for rate limiting and the audit log, and returns
// the error to answer with. A disabled account's owner is told so (Authenticate only
// says so after the right password); it does not count towards the limit.
func (a *API) loginFailed(ctx context.Context, email, ip string, cause error) error {
	code := vigil.ErrorCode(cause)
	if code != vigil.EUNAUTHORIZED && code != vigil.EFORBIDDEN {
		return cause
	}
	reason := map[string]string{vigil.EUNAUTHORIZED: "bad_credentials", vigil.EFORBIDDEN: "disabled"}[code]
	err := a.store.Tx(ctx, func(tx *store.Store) error {
		if code == vigil.EUNAUTHORIZED {
			if err := tx.RecordLoginFailure(ctx, email, ip); err != nil {
				return err
			}
		}
		_, err := tx.Audit(ctx, auditActor(email), "user.login_failed", "", map[string]any{"ip": ip, "reason": reason})
		return err
	})
	if err != nil {
		return err
	}
	return cause
}

// auditActor is the email a failed sign-in typed, bounded, or "anonymous" when empty:
// the audit log's actor must name someone.
func auditActor(email string) string {
	e := []rune(strings.ToLower(strings.TrimSpace(email)))
	if len(e) == 0 {
		return "anonymous"
	}
	return string(e[:min(len(e), 254)])
}
