package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Token describes an API token; the token itself is shown once, when it is created.
type Token struct {
	// ID is the token's number, used to revoke it.
	ID int64 `json:"id"`
	// Name says what the token is for.
	Name string `json:"name"`
	// UserID is the user the token acts as; absent for a sensor token.
	UserID int64 `json:"user_id,omitempty"`
	// SensorOrg is the organisation a sensor token pushes telemetry for.
	SensorOrg string `json:"sensor_org,omitempty"`
	// Hint is the token's prefix and last four characters, to tell tokens apart.
	Hint string `json:"hint" example:"vgl_…x9Qa"`
	// CreatedAt is when it was made.
	CreatedAt time.Time `json:"created_at"`
	// LastUsedAt is when it was last used, to within a minute.
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	// ExpiresAt is when it stops working; absent for never.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// RevokedAt is when it was revoked.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// CreatedBy is who made it, from the audit log; absent when not known.
	CreatedBy string `json:"created_by,omitempty"`
}

func tokenOut(t vigil.Token) Token {
	return Token{ID: t.ID, Name: t.Name, UserID: t.UserID, SensorOrg: t.SensorOrg, Hint: t.Hint, CreatedAt: t.CreatedAt,
		LastUsedAt: timePtr(t.LastUsedAt), ExpiresAt: timePtr(t.ExpiresAt), RevokedAt: timePtr(t.RevokedAt), CreatedBy: t.CreatedBy}
}
