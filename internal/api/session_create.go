package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/accounts"
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
// and sets its cookie (Secure over HTTPS). An address not written in its canonical form
// is a bad request (400) saying how to write it; repeated failures for one email or from one address slow further attempts
// down, and a server busy hashing other passwords asks the client to retry (429 with
// Retry-After either way), before the password is even checked.
func (a *API) sessionCreate(ctx context.Context, in *sessionCreateIn) (*sessionCreateOut, error) {
	ses, err := a.app.Accounts.SignIn(ctx, in.Body.Email, in.Body.Password, ClientIPFrom(ctx))
	if th := (*accounts.ThrottledError)(nil); errors.As(err, &th) {
		return nil, &throttled{message: th.Message, after: th.RetryAfter}
	}
	if vigil.ErrorCode(err) == vigil.EINVALID {
		// The only invalid sign-in is an address spelt other than its canonical form: a
		// malformed request, said as such (400) and never counted against the account.
		return nil, huma.Error400BadRequest(vigil.ErrorMessage(err))
	}
	if err != nil {
		return nil, err
	}
	out := &sessionCreateOut{SetCookie: a.sessionCookie(ctx, ses.ID, ses.ExpiresAt), CacheControl: "no-store"}
	out.Body.User, out.Body.ExpiresAt = userOut(ses.User), ses.ExpiresAt
	return out, nil
}
