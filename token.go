package vigil

import (
	"time"
)

// TokenPrefix starts every API token, so that people, logs and secret scanners can
// recognise one.
const TokenPrefix = "vgl_"

// NewToken is what CreateToken needs. Exactly one of UserID and SensorOrg is set.
type NewToken struct {
	// Name says what the token is for, e.g. "SIEM export" or "Zeek sensor, main site".
	Name string
	// UserID makes a token that acts as that user, with the user's role and organisation.
	UserID int64
	// SensorOrg makes a sensor token: role sensor, allowed only to push telemetry for
	// this organisation.
	SensorOrg string
	// ExpiresAt ends the token; zero means it lasts until revoked.
	ExpiresAt time.Time
}

// Token describes an API token. The token itself is shown once, by CreateToken.
type Token struct {
	// ID is the token's number, used to revoke it.
	ID int64
	// Name says what the token is for.
	Name string
	// UserID is the user the token acts as; 0 for a sensor token.
	UserID int64
	// SensorOrg is the organisation of a sensor token; empty for a user token.
	SensorOrg string
	// Hint is the token's prefix and last four characters, to tell tokens apart.
	Hint string
	// CreatedAt is when it was made.
	CreatedAt time.Time
	// LastUsedAt is when it was last used, to within a minute; zero if never.
	LastUsedAt time.Time
	// ExpiresAt is when it stops working; zero for never.
	ExpiresAt time.Time
	// RevokedAt is when it was revoked; zero while it works.
	RevokedAt time.Time
	// CreatedBy is who made it, as the audit log records it; empty when not known (a
	// token made before the audit log, or straight in the store by the demo).
	CreatedBy string
}

// TokenFilter selects tokens for ListTokens.
type TokenFilter struct {
	// UserID lists that user's tokens.
	UserID int64
	// Org lists the organisation's sensor tokens and its users' tokens.
	Org string
	// SensorsOf lists that organisation's sensor tokens only (what its org_admin manages).
	SensorsOf string
	// IncludeRevoked lists revoked tokens too.
	IncludeRevoked bool
}
