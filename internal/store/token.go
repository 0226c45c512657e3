package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// tokenLen is the length of a token: the prefix and 43 base64url characters.
const tokenLen = len(vigil.TokenPrefix) + 43

// CreateToken makes an API token and returns it (the only time it is visible: the store
// keeps its SHA-256) with its description.
func (s *Store) CreateToken(ctx context.Context, nt vigil.NewToken) (string, vigil.Token, error) {
	t, err := s.checkNewToken(ctx, nt)
	if err != nil {
		return "", vigil.Token{}, err
	}
	secret, _ := newSecret()
	raw := vigil.TokenPrefix + secret
	t.Hint = vigil.TokenPrefix + "…" + raw[len(raw)-4:]
	t.CreatedAt = s.now()
	err = s.wdb().row(ctx, `INSERT INTO api_tokens (hash, hint, name, user_id, org, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, secretHash(raw), t.Hint, t.Name, nullID(t.UserID), nullString(t.SensorOrg),
		dbTime(t.CreatedAt), dbTime(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return "", vigil.Token{}, fmt.Errorf("create token: %w", err)
	}
	return raw, t, nil
}

func (s *Store) checkNewToken(ctx context.Context, nt vigil.NewToken) (vigil.Token, error) {
	t := vigil.Token{UserID: nt.UserID, ExpiresAt: nt.ExpiresAt.UTC().Truncate(time.Microsecond)}
	var err error
	if t.Name, err = vigil.Text("token name", nt.Name, 100, false); err != nil {
		return t, err
	}
	switch {
	case (nt.UserID != 0) == (strings.TrimSpace(nt.SensorOrg) != ""):
		return t, vigil.Errorf(vigil.EINVALID, "a token is either for a user or for a sensor of one organisation")
	case !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(s.now()):
		return t, vigil.Errorf(vigil.EINVALID, "the expiry time %s has passed", t.ExpiresAt.Format(time.RFC3339))
	case nt.UserID != 0:
		u, err := s.GetUser(ctx, nt.UserID)
		if err != nil {
			return t, err
		}
		t.Name = cmpOr(t.Name, "API token for "+u.Email)
		return t, nil
	}
	o, err := s.GetOrg(ctx, nt.SensorOrg)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return t, vigil.Errorf(vigil.EINVALID, "organisation %q is not registered", nt.SensorOrg)
	}
	if err != nil {
		return t, err
	}
	t.SensorOrg = o.ODSCode
	t.Name = cmpOr(t.Name, "sensor for "+o.ODSCode)
	return t, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// TokenPrincipal returns who an API token acts for: its user (with the user's current
// role and organisation), or for a sensor token role sensor and the token's organisation
// (Email is then the token's name). An unknown, revoked or expired token, or a disabled
// user's, is unauthorized.
func (s *Store) TokenPrincipal(ctx context.Context, raw string) (vigil.Principal, error) {
	if len(raw) != tokenLen || !strings.HasPrefix(raw, vigil.TokenPrefix) {
		return vigil.Principal{}, vigil.Errorf(vigil.EUNAUTHORIZED, "the API token is not valid: tokens start with %s and are %d characters long", vigil.TokenPrefix, tokenLen)
	}
	hash := secretHash(raw)
	var p vigil.Principal
	var name string
	var tokOrg, email, role, userOrg sql.NullString
	var userID sql.NullInt64
	var disabled sql.NullBool
	var expires, revoked, used time.Time
	err := s.rdb().row(ctx, `SELECT t.id, t.name, t.org, t.expires_at, t.revoked_at, t.last_used_at,
		u.id, u.email, u.role, u.org, u.disabled
		FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.hash = ?`, hash).
		Scan(&p.TokenID, &name, &tokOrg, scanTime(&expires), scanTime(&revoked), scanTime(&used),
			&userID, &email, &role, &userOrg, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Principal{}, vigil.Errorf(vigil.EUNAUTHORIZED, "the API token is not valid")
	}
	if err != nil {
		return vigil.Principal{}, fmt.Errorf("read token: %w", err)
	}
	now := s.now()
	if err := tokenUsable(now, expires, revoked, disabled.Bool); err != nil {
		return vigil.Principal{}, err
	}
	if tokOrg.Valid {
		p.Email, p.Role, p.Org = name, vigil.RoleSensor, tokOrg.String
	} else {
		p.UserID, p.Email, p.Role, p.Org = userID.Int64, email.String, vigil.Role(role.String), userOrg.String
	}
	if now.Sub(used) >= lastSeenEvery {
		if _, err := s.wdb().exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, dbTime(now), p.TokenID); err != nil {
			return vigil.Principal{}, fmt.Errorf("touch token: %w", err)
		}
	}
	return p, nil
}

func tokenUsable(now, expires, revoked time.Time, disabled bool) error {
	switch {
	case !revoked.IsZero():
		return vigil.Errorf(vigil.EUNAUTHORIZED, "the API token was revoked on %s", revoked.Format("2 January 2006"))
	case !expires.IsZero() && !now.Before(expires):
		return vigil.Errorf(vigil.EUNAUTHORIZED, "the API token expired on %s", expires.Format("2 January 2006"))
	case disabled:
		return vigil.Errorf(vigil.EUNAUTHORIZED, "the API token's account is disabled")
	}
	return nil
}

// RevokeToken stops a token working. Revoking a revoked token does nothing.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		res, err := c.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, dbTime(tx.now()), id)
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var one int
		if err := c.row(ctx, `SELECT 1 FROM api_tokens WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no token %d", id)
		} else if err != nil {
			return fmt.Errorf("revoke token %d: %w", id, err)
		}
		return nil
	})
}

// GetToken returns the description of one token.
func (s *Store) GetToken(ctx context.Context, id int64) (vigil.Token, error) {
	return queryOne(ctx, s, fmt.Sprintf("get token %d", id), vigil.Errorf(vigil.ENOTFOUND, "no token %d", id), scanToken, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id)
}

const tokenColumns = `id, name, user_id, org, hint, created_at, last_used_at, expires_at, revoked_at`

func scanToken(sc scanner) (vigil.Token, error) {
	var t vigil.Token
	var user sql.NullInt64
	var org sql.NullString
	err := sc.Scan(&t.ID, &t.Name, &user, &org, &t.Hint, scanTime(&t.CreatedAt), scanTime(&t.LastUsedAt),
		scanTime(&t.ExpiresAt), scanTime(&t.RevokedAt))
	t.UserID, t.SensorOrg = user.Int64, org.String
	return t, err
}

// ListTokens returns the tokens f selects, newest first.
func (s *Store) ListTokens(ctx context.Context, f vigil.TokenFilter) ([]vigil.Token, error) {
	var w where
	w.add(f.UserID != 0, "user_id = ?", f.UserID)
	if f.Org != "" {
		org := strings.ToUpper(strings.TrimSpace(f.Org))
		w.add(true, "(org = ? OR user_id IN (SELECT id FROM users WHERE org = ?))", org, org)
	}
	w.add(f.SensorsOf != "", "org = ?", strings.ToUpper(strings.TrimSpace(f.SensorsOf)))
	w.add(!f.IncludeRevoked, "revoked_at IS NULL")
	rows, err := s.rdb().query(ctx, `SELECT `+tokenColumns+` FROM api_tokens`+w.String()+` ORDER BY id DESC`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []vigil.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
