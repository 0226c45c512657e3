package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Once a feed is deleted, an import of it (SourceImport.OfFeed) stores nothing more:
// each batch and Finish fail with ErrFeedDeleted, saying so to a person.
func TestImportOfADeletedFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f, imp := feedImportUnderWay(t, s, "doomed")
		if _, n, err := s.DeleteFeed(ctx, f.ID); err != nil || n != 10 {
			t.Fatalf("delete: %d withdrawn (%v), want 10", n, err)
		}
		if _, err := imp.Store(ctx, storetest.FeedIndicators(10, 10)); !errors.Is(err, store.ErrFeedDeleted) ||
			vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a batch after the delete: %v, want a conflict saying the feed was deleted", err)
		}
		if _, err := imp.Finish(ctx, true); !errors.Is(err, store.ErrFeedDeleted) {
			t.Errorf("finish after the delete: %v, want the feed deleted", err)
		}
		if got, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Source: f.Name}); err != nil || len(got) != 0 {
			t.Errorf("the deleted feed holds %d indicators (%v), want none", len(got), err)
		}
	})
}

// feedImportUnderWay registers feed name and begins an import of it that has stored
// its first 10 indicators.
func feedImportUnderWay(t *testing.T, s *store.Store, name string) (vigil.Feed, *store.SourceImport) {
	t.Helper()
	f, err := s.CreateFeed(t.Context(), feed(name))
	if err != nil {
		t.Fatal(err)
	}
	imp, err := s.BeginSourceImport(f.Name)
	if err != nil {
		t.Fatal(err)
	}
	imp.OfFeed(f.ID)
	if _, err := imp.Store(t.Context(), storetest.FeedIndicators(0, 10)); err != nil {
		t.Fatal(err)
	}
	return f, imp
}

// A feed renamed while its import runs stops the import, as a deletion does, saying it
// was renamed: what it had stored moved to the new name with the rename, and nothing is
// left under the old name (which would match with no feed behind it).
func TestImportOfARenamedFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f, imp := feedImportUnderWay(t, s, "old name")
		renamed := "new name"
		if _, err := s.UpdateFeed(ctx, f.ID, vigil.FeedPatch{Name: &renamed}); err != nil {
			t.Fatal(err)
		}
		if _, err := imp.Store(ctx, storetest.FeedIndicators(10, 10)); !errors.Is(err, store.ErrFeedDeleted) ||
			!strings.Contains(vigil.ErrorMessage(err), `renamed to "new name"`) {
			t.Errorf("a batch after the rename: %v, want it stopped saying the feed was renamed", err)
		}
		if _, err := imp.Finish(ctx, true); !errors.Is(err, store.ErrFeedDeleted) {
			t.Errorf("finish after the rename: %v, want it stopped", err)
		}
		for source, want := range map[string]int{"old name": 0, "new name": 10} {
			if got, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Source: source}); err != nil || len(got) != want {
				t.Errorf("%q holds %d indicators (%v), want %d", source, len(got), err, want)
			}
		}
	})
}

// On PostgreSQL a delete that comes while a batch of the feed is being stored waits for
// it, and withdraws it: the batch (held here by another connection's lock on the
// indicators) has checked the feed and keeps it until it commits.
func TestDeleteFeedWaitsForABatch(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	s, err := store.Open(t.Context(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	f, err := s.CreateFeed(ctx, feed("doomed"))
	if err != nil {
		t.Fatal(err)
	}
	locker, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	tx, err := locker.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`LOCK TABLE indicators IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	imp, err := s.BeginSourceImport(f.Name)
	if err != nil {
		t.Fatal(err)
	}
	imp.OfFeed(f.ID)
	stored, deleted := make(chan error, 1), make(chan error, 1)
	go func() { _, err := imp.Store(ctx, storetest.FeedIndicators(0, 10)); stored <- err }()
	awaitWaiting(t, locker, 1)
	var withdrawn int
	go func() { _, n, err := s.DeleteFeed(ctx, f.ID); withdrawn = n; deleted <- err }()
	awaitWaiting(t, locker, 2)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-stored; err != nil {
		t.Fatalf("the batch under way: %v", err)
	}
	if err := <-deleted; err != nil || withdrawn != 10 {
		t.Errorf("the delete: %d withdrawn (%v), want the batch's 10", withdrawn, err)
	}
	if got, _, err := s.SearchIndicators(ctx, vigil.IndicatorFilter{Source: f.Name}); err != nil || len(got) != 0 {
		t.Errorf("the deleted feed holds %d indicators (%v), want none", len(got), err)
	}
}

// awaitWaiting waits until n lock requests wait in the database.
func awaitWaiting(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		var waiting int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks WHERE NOT granted`).Scan(&waiting); err != nil {
			t.Fatalf("waiting for %d lock requests: %v", n, err)
		}
		if waiting >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
