package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// lastSeenEvery is how stale a session's or token's last-use time may get before a use
// writes it again, so that busy clients do not write on every request.
const lastSeenEvery = time.Minute

// newSecret returns 32 random bytes, base64url-encoded (43 characters), and their SHA-256,
// which is all the store keeps.
func newSecret() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	raw := base64.RawURLEncoding.EncodeToString(b)
	return raw, secretHash(raw)
}

func secretHash(raw string) []byte {
	sum := sha256.Sum256([]byte(raw))
	return sum[:]
}

// CreateSession starts a server-side session for the user, lasting ttl. It returns the
// session id, which only the caller ever sees (the store keeps its SHA-256): put it in a
// cookie. A disabled account cannot start one.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (id string, expires time.Time, err error) {
	if ttl <= 0 {
		return "", time.Time{}, vigil.Errorf(vigil.EINVALID, "a session must last longer than %v", ttl)
	}
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Disabled {
		return "", time.Time{}, vigil.Errorf(vigil.EFORBIDDEN, "this account is disabled")
	}
	raw, hash := newSecret()
	now := s.now()
	expires = now.Add(ttl)
	err = s.inTx(ctx, func(_ *Store, c conn) error {
		_, err := c.exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			hash, userID, dbTime(now), dbTime(expires), dbTime(now))
		if err == nil { // the people list shows, and sorts by, when each last signed in
			_, err = c.exec(ctx, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`, dbTime(now), userID)
		}
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create session for user %d: %w", userID, err)
	}
	return raw, expires, nil
}

// SessionPrincipal returns who a session belongs to, and marks it used. An unknown or
// expired session, one unused for idle or longer (when idle is above zero), or one whose
// user has been disabled, is unauthorized. Use is written at most once a minute, so the
// idle time is known to within a minute.
func (s *Store) SessionPrincipal(ctx context.Context, id string, idle time.Duration) (vigil.Principal, error) {
	ended := vigil.Errorf(vigil.EUNAUTHORIZED, "your session has ended: sign in again")
	if len(id) != 43 {
		return vigil.Principal{}, ended
	}
	hash := secretHash(id)
	var p vigil.Principal
	var org sql.NullString
	var disabled bool
	var expires, seen time.Time
	err := s.rdb().row(ctx, `SELECT u.id, u.email, u.role, u.org, u.disabled, s.expires_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, hash).
		Scan(&p.UserID, &p.Email, &p.Role, &org, &disabled, scanTime(&expires), scanTime(&seen))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Principal{}, ended
	}
	if err != nil {
		return vigil.Principal{}, fmt.Errorf("read session: %w", err)
	}
	now := s.now()
	if disabled || !now.Before(expires) || idle > 0 && now.Sub(seen) >= idle {
		return vigil.Principal{}, ended
	}
	if now.Sub(seen) >= lastSeenEvery {
		if _, err := s.wdb().exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, dbTime(now), hash); err != nil {
			return vigil.Principal{}, fmt.Errorf("touch session: %w", err)
		}
	}
	p.Org = org.String
	return p, nil
}

// DeleteSession ends a session (sign out). Ending an unknown session does nothing.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.wdb().exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, secretHash(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user (sign out everywhere).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := s.wdb().exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// PurgeExpired deletes expired sessions and failed-login records older than keepFailures.
// Run it now and then (hourly is plenty); it returns how many rows went.
func (s *Store) PurgeExpired(ctx context.Context, keepFailures time.Duration) (int64, error) {
	var total int64
	now := s.now()
	for _, q := range []struct {
		sql    string
		before time.Time
	}{
		{`DELETE FROM sessions WHERE expires_at <= ?`, now},
		{`DELETE FROM login_failures WHERE at < ?`, now.Add(-keepFailures)},
	} {
		res, err := s.wdb().exec(ctx, q.sql, dbTime(q.before))
		if err != nil {
			return total, fmt.Errorf("purge expired: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
