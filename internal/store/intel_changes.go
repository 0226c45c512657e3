package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// ScopeIntelLog is the change_versions row holding the last intel version whose logged
// changes were pruned: a matcher older than it cannot catch up from the log.
const ScopeIntelLog = "intel_log"

// IntelChanges are the indicators changed since a matcher version, from the log the
// database keeps of them (migration 00026).
type IntelChanges struct {
	// Keys name each changed indicator by Type and Value (Provenance is empty): added,
	// changed or removed, whatever its claims are now.
	Keys []vigil.Indicator
	// Complete is false when the log cannot say what changed: it was pruned past the
	// version asked about, or it names more indicators than the limit. Rebuild in full.
	Complete bool
}

// IntelChangesSince returns the indicators logged as changed after intel version after,
// at most limit of them. The log may already hold changes of versions later than the
// count read before the call, which is harmless: applying an indicator as it now stands
// twice changes nothing.
func (s *Store) IntelChangesSince(ctx context.Context, after int64, limit int) (IntelChanges, error) {
	rows, err := s.rdb().query(ctx, `SELECT DISTINCT type, value FROM intel_changes WHERE version > ? LIMIT ?`, after, limit+1)
	if err != nil {
		return IntelChanges{}, fmt.Errorf("read changed indicators: %w", err)
	}
	defer rows.Close()
	var out IntelChanges
	for rows.Next() {
		var k vigil.Indicator
		if err := rows.Scan(&k.Type, &k.Value); err != nil {
			return IntelChanges{}, fmt.Errorf("read changed indicators: %w", err)
		}
		out.Keys = append(out.Keys, k)
	}
	if err := rows.Err(); err != nil {
		return IntelChanges{}, fmt.Errorf("read changed indicators: %w", err)
	}
	// The watermark is read after the rows: a prune that committed before the rows were
	// read shows here, so no gap it left passes for a complete log.
	var pruned int64
	if err := s.rdb().row(ctx, `SELECT version FROM change_versions WHERE scope = ?`, ScopeIntelLog).Scan(&pruned); err != nil {
		return IntelChanges{}, fmt.Errorf("read the change log's start: %w", err)
	}
	out.Complete = after >= pruned && len(out.Keys) <= limit
	return out, nil
}

// EachMatchableOf is EachMatchable over the indicators keys names (by Type and Value)
// that some source still holds: what a matcher applies on top of the snapshot it holds
// after IntelChangesSince. It looks them up by the (type, value) index, a few hundred
// at a time, whatever the number of stored indicators.
func (s *Store) EachMatchableOf(ctx context.Context, keys []vigil.Indicator, fn func(*vigil.StoredIndicator) error) error {
	fn, err := s.withListings(ctx, fn)
	if err != nil {
		return err
	}
	r := s.newClaimReader()
	for chunk := range slices.Chunk(keys, keyChunk) {
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, string(k.Type), k.Value)
		}
		rows, err := s.rdb().query(ctx, `SELECT `+matchableColumns+` FROM indicators i
			JOIN indicator_sources s ON s.indicator_id = i.id
			WHERE (i.type, i.value) IN (VALUES `+keyRows(len(chunk))+`)
			ORDER BY i.id, s.source`, args...)
		if err != nil {
			return fmt.Errorf("read changed indicators: %w", err)
		}
		err = eachGrouped(rows, r, fn)
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// keyChunk is how many indicators EachMatchableOf asks for in one statement.
const keyChunk = 500

// keyRows returns n placeholder pairs for a VALUES list: "(?, ?), (?, ?)".
func keyRows(n int) string {
	return strings.TrimSuffix(strings.Repeat("(?, ?), ", n), ", ")
}

// PruneIntelChanges forgets the logged changes up to intel version upTo, or up to the
// oldest version a server seen since liveSince still matches with if that is older, so
// that no live server loses the changes it has yet to apply. A server further behind
// rebuilds in full.
func (s *Store) PruneIntelChanges(ctx context.Context, upTo int64, liveSince time.Time) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		var oldest *int64
		if err := c.row(ctx, `SELECT MIN(intel_version) FROM nodes WHERE seen_at >= ?`, dbTime(liveSince)).Scan(&oldest); err != nil {
			return fmt.Errorf("oldest matcher in use: %w", err)
		}
		if oldest != nil && *oldest < upTo {
			upTo = *oldest
		}
		if _, err := c.exec(ctx, `UPDATE change_versions SET version = ? WHERE scope = ? AND version < ?`, upTo, ScopeIntelLog, upTo); err != nil {
			return fmt.Errorf("move the change log's start: %w", err)
		}
		prune, args := `DELETE FROM intel_changes WHERE version <= ?`, []any{upTo}
		if all, err := tx.logPrunedWhole(ctx, c, upTo); err != nil {
			return err
		} else if all {
			prune, args = `DELETE FROM intel_changes`, nil // see logPrunedWhole
		}
		if _, err := c.exec(ctx, prune, args...); err != nil {
			return fmt.Errorf("prune the change log: %w", err)
		}
		return nil
	})
}

// logPrunedWhole reports whether pruning up to upTo empties the log, on SQLite. Then
// the prune deletes without a WHERE clause, which SQLite does
// by dropping the table's pages rather than visiting each row and its index entry:
// after a large import the log holds a line for every indicator it stored (a million
// lines cost the first rebuild after it half a CPU-second). SQLite has one writer, so
// nothing is logged between the check and the delete; on PostgreSQL another
// transaction could, so it always deletes by version.
func (s *Store) logPrunedWhole(ctx context.Context, c conn, upTo int64) (bool, error) {
	if s.isPG() {
		return false, nil
	}
	var newer bool
	if err := c.row(ctx, `SELECT EXISTS (SELECT 1 FROM intel_changes WHERE version > ?)`, upTo).Scan(&newer); err != nil {
		return false, fmt.Errorf("prune the change log: %w", err)
	}
	return !newer, nil
}
