package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// listenRetry is how long the change listener waits before connecting again after its
// connection failed; the server's periodic check covers the gap.
const listenRetry = time.Second

// ListenChanges calls changed whenever another server may have changed what this one
// holds, until ctx ends: on PostgreSQL for every NOTIFY on ChangesChannel, heard on a
// connection of its own (reconnected after a failure, with changed called again once
// connected, since announcements made while it was down are lost). On SQLite one server
// runs and its own hooks rebuild what it holds, so ListenChanges only waits for ctx.
// changed must be quick: it runs on the listener's goroutine.
func (s *Store) ListenChanges(ctx context.Context, changed func()) error {
	if !s.isPG() {
		<-ctx.Done()
		return nil
	}
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, changed)
		if ctx.Err() != nil {
			break
		}
		s.log.WarnContext(ctx, "change listener disconnected; connecting again", slog.Any("error", err))
		select {
		case <-ctx.Done():
		case <-time.After(listenRetry):
		}
	}
	return nil
}

// listenOnce connects, listens and calls changed for each notification until the
// connection fails or ctx ends.
func (s *Store) listenOnce(ctx context.Context, changed func()) error {
	c, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	changed() // whatever was announced while not listening
	for {
		if _, err := c.WaitForNotification(ctx); err != nil {
			return fmt.Errorf("wait for notification: %w", err)
		}
		changed()
	}
}
