package store

import (
	"context"
	"fmt"
	"time"
)

// LoginCount is what the sign-in limits know about one email or one address: the
// attempts that count against it in a window, other than the one being decided, and
// when the newest of them was made.
type LoginCount struct {
	// N is how many attempts count.
	N int
	// Last is when the newest was made; zero when N is 0.
	Last time.Time
}

// ReserveLoginAttempt notes a sign-in attempt for email from ip at the given time,
// before its password is checked, and returns its id. Committed at once, outside any
// transaction, so that parallel attempts see each other: an attempt the limits refuse,
// or one that succeeds, is released again (ReleaseLoginAttempt); a wrong password keeps
// it as a failure. email must be in canonical form (CanonicalEmail).
func (s *Store) ReserveLoginAttempt(ctx context.Context, email, ip string, at time.Time) (int64, error) {
	var id int64
	err := s.wdb().row(ctx, `INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?) RETURNING id`,
		bounded(email, 254), bounded(ip, 100), dbTime(at)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("reserve login attempt: %w", err)
	}
	return id, nil
}

// ReleaseLoginAttempt forgets a reserved attempt that turned out not to be a failure.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, id int64) error {
	if _, err := s.wdb().exec(ctx, `DELETE FROM login_failures WHERE id = ?`, id); err != nil {
		return fmt.Errorf("release login attempt: %w", err)
	}
	return nil
}

// LoginCounts are the attempts that count against one sign-in: for its email from any
// address, from its address for any email, and for its email from its address.
type LoginCounts struct {
	// Email counts the attempts for the email, from every address.
	Email LoginCount
	// IP counts the attempts from the address, for every email.
	IP LoginCount
	// Pair counts the attempts for the email from the address.
	Pair LoginCount
}

// LoginAttempts counts the attempts for email, from ip, and for email from ip, made
// since the given time, leaving out the attempt except (the one being decided).
func (s *Store) LoginAttempts(ctx context.Context, email, ip string, since time.Time, except int64) (LoginCounts, error) {
	var c LoginCounts
	email, ip = bounded(email, 254), bounded(ip, 100)
	for _, q := range []struct {
		where string
		args  []any
		out   *LoginCount
	}{
		{"email = ?", []any{email}, &c.Email},
		{"ip = ?", []any{ip}, &c.IP},
		{"email = ? AND ip = ?", []any{email, ip}, &c.Pair},
	} {
		err := s.rdb().row(ctx, `SELECT COUNT(*), MAX(at) FROM login_failures WHERE `+q.where+` AND at >= ? AND id <> ?`,
			append(q.args, dbTime(since), except)...).Scan(&q.out.N, scanTime(&q.out.Last))
		if err != nil {
			return c, fmt.Errorf("count login attempts: %w", err)
		}
	}
	return c, nil
}

// PostponeLoginAttempt moves a failed attempt to at, when its answer is given: a wrong
// password whose answer the limits hold back counts from then, so that the next one is
// held back after it.
func (s *Store) PostponeLoginAttempt(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.wdb().exec(ctx, `UPDATE login_failures SET at = ? WHERE id = ?`, dbTime(at), id); err != nil {
		return fmt.Errorf("postpone login attempt: %w", err)
	}
	return nil
}

// bounded cuts s to at most n bytes, for keys that may come from anyone.
func bounded(s string, n int) string { return s[:min(len(s), n)] }
