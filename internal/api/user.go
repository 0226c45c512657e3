package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Account is a user account as an administrator sees it. Passwords are never shown.
type Account struct {
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
	// Disabled accounts can neither sign in nor use their tokens.
	Disabled bool `json:"disabled"`
	// CreatedAt is when the account was made.
	CreatedAt time.Time `json:"created_at"`
	// LastSignIn is when the user last signed in to the web interface; absent when never.
	LastSignIn *time.Time `json:"last_sign_in,omitempty"`
}

func accountOut(u vigil.User) Account {
	return Account{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Org: u.Org, Disabled: u.Disabled, CreatedAt: u.CreatedAt,
		LastSignIn: timePtr(u.LastSignIn)}
}
