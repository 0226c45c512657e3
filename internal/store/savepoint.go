package store

import (
	"context"
	"errors"
	"fmt"
)

// Savepoint runs fn inside the transaction s is bound to, so that a failure undoes only
// what fn wrote and the transaction goes on: a bulk load commits many rows at once yet
// refuses a bad one on its own. Outside a transaction it is Tx. A failure that aborts
// the whole transaction (a deadlock victim, a serialisation failure) is returned as is,
// for the caller to return from its Tx function, which then runs again (Retryable).
func (s *Store) Savepoint(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx == nil {
		return s.Tx(ctx, fn)
	}
	c := s.wdb()
	if _, err := c.exec(ctx, "SAVEPOINT vigil_row"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	err := fn(s)
	if err == nil {
		if _, err := c.exec(ctx, "RELEASE SAVEPOINT vigil_row"); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		return nil
	}
	if _, rbErr := c.exec(ctx, "ROLLBACK TO SAVEPOINT vigil_row"); rbErr != nil {
		return errors.Join(err, fmt.Errorf("roll back to savepoint: %w", rbErr))
	}
	if _, relErr := c.exec(ctx, "RELEASE SAVEPOINT vigil_row"); relErr != nil {
		return errors.Join(err, fmt.Errorf("release savepoint: %w", relErr))
	}
	return err
}

// Retryable reports whether err aborted a whole transaction that succeeds when run
// again (a deadlock victim or a serialisation failure on PostgreSQL).
func Retryable(err error) bool { return isRetryable(err) }

// lockAssets serialises the transactions that add assets, so that two organisations
// adding overlapping ranges at once still see each other's claim. On PostgreSQL it is a
// transaction-scoped advisory lock rather than a table lock: readers and the asset
// review are not held up, and a bulk import takes it once per transaction. SQLite's
// single writer serialises them already.
func (s *Store) lockAssets(ctx context.Context, c conn) error {
	if !s.isPG() {
		return nil
	}
	if _, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(?)", assetsLockKey); err != nil {
		return fmt.Errorf("lock assets: %w", err)
	}
	return nil
}

// assetsLockKey is the advisory lock key of asset writers ("vigilAST" in ASCII).
const assetsLockKey int64 = 0x76696769_6c415354
