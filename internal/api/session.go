package api

import (
	"context"
	"net/http"
	"time"

	"github.com/vigil-health/vigil"
)

// User is a person who signs in to vigil.
type User struct {
	// ID is the user's number.
	ID int64 `json:"id"`
	// Email is the address the user signs in with.
	Email string `json:"email"`
	// Name is how the user is greeted.
	Name string `json:"name"`
	// Role is what the user may do.
	Role vigil.Role `json:"role" enum:"sector_admin,sector_analyst,org_admin,org_member,supplier"`
	// Org is the ODS code of the user's organisation; absent for sector roles.
	Org string `json:"org,omitempty"`
}

func userOut(u vigil.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Org: u.Org}
}

// sessionCookie is the cookie that carries a session id, or that ends it when id is
// empty. It is Secure when the server is set to make it so, or when the request came
// over HTTPS (SecureFrom).
func (a *API) sessionCookie(ctx context.Context, id string, expires time.Time) http.Cookie {
	c := http.Cookie{Name: SessionCookie, Value: id, Path: "/", Expires: expires,
		HttpOnly: true, Secure: a.secureCookies || SecureFrom(ctx), SameSite: http.SameSiteLaxMode}
	if id == "" {
		c.MaxAge = -1
	}
	return c
}
