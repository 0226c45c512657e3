package api

import (
	"context"
	"net/http"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

type sessionDeleteIn struct {
	Session string `cookie:"vigil_session" doc:"The session to end."`
}

type sessionDeleteOut struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

// sessionDelete signs out: it ends the session in the cookie and clears the cookie.
// Signing out without a session does nothing and still succeeds.
func (a *API) sessionDelete(ctx context.Context, in *sessionDeleteIn) (*sessionDeleteOut, error) {
	p, ok := PrincipalFrom(ctx)
	if ok && p.TokenID == 0 && in.Session != "" {
		err := a.store.Tx(ctx, func(tx *store.Store) error {
			if err := tx.DeleteSession(ctx, in.Session); err != nil {
				return err
			}
			_, err := tx.Audit(ctx, p.Email, "user.logout", userTarget(p.UserID), nil)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return &sessionDeleteOut{SetCookie: a.sessionCookie("", time.Time{})}, nil
}
