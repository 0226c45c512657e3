package api

import (
	"context"
	"net/http"
	"time"
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
	if p, ok := PrincipalFrom(ctx); ok {
		if err := a.app.Accounts.SignOut(ctx, p, in.Session); err != nil {
			return nil, err
		}
	}
	return &sessionDeleteOut{SetCookie: a.sessionCookie(ctx, "", time.Time{})}, nil
}
