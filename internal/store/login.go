package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RecordLoginFailure notes a failed sign-in for email from ip, for rate limiting across
// every server that shares the database.
func (s *Store) RecordLoginFailure(ctx context.Context, email, ip string) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)`,
		failureKey(email), ip, dbTime(s.now()))
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// RecentLoginFailures counts failed sign-ins since the given time for the email (in
// any letter case) and, separately, from the IP address.
func (s *Store) RecentLoginFailures(ctx context.Context, email, ip string, since time.Time) (byEmail, byIP int, err error) {
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	err = s.rdb().row(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?),
		(SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at >= ?)`,
		failureKey(email), dbTime(since), ip, dbTime(since)).Scan(&byEmail, &byIP)
	if err != nil {
		return 0, 0, fmt.Errorf("count login failures: %w", err)
	}
	return byEmail, byIP, nil
}

// failureKey is the email as typed, trimmed, lower-cased and bounded, valid or not.
func failureKey(email string) string {
	e := []rune(strings.ToLower(strings.TrimSpace(email)))
	return string(e[:min(len(e), 254)])
}
