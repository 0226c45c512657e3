package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vigil-health/vigil/internal/accounts"
)

type sessionPasswordIn struct {
	Body struct {
		Current string `json:"current_password" maxLength:"4096" writeOnly:"true" doc:"Your password now."`
		New     string `json:"new_password" maxLength:"4096" writeOnly:"true" doc:"The password you want: at least 12 characters, not a common one."`
	}
}

type sessionPasswordOut struct {
	SetCookie    http.Cookie `header:"Set-Cookie"`
	CacheControl string      `header:"Cache-Control"`
	Body         struct {
		User      User      `json:"user"`
		ExpiresAt time.Time `json:"expires_at" doc:"When the new session ends."`
	}
}

// sessionPassword changes the signed-in user's own password. Every session of theirs
// ends, and a new one starts in the cookie this sets, so that whoever else was signed in
// as them is signed out. The current password is checked under the sign-in limits (429
// with Retry-After past them); a wrong one, or a new one the rules refuse, is 422. An API
// token cannot change a password (403).
func (a *API) sessionPassword(ctx context.Context, in *sessionPasswordIn) (*sessionPasswordOut, error) {
	ses, err := a.app.Accounts.ChangePassword(ctx, principal(ctx), in.Body.Current, in.Body.New, ClientIPFrom(ctx))
	if th := (*accounts.ThrottledError)(nil); errors.As(err, &th) {
		return nil, &throttled{message: th.Message, after: th.RetryAfter}
	}
	if err != nil {
		return nil, err
	}
	out := &sessionPasswordOut{SetCookie: a.sessionCookie(ctx, ses.ID, ses.ExpiresAt), CacheControl: "no-store"}
	out.Body.User, out.Body.ExpiresAt = userOut(ses.User), ses.ExpiresAt
	return out, nil
}
