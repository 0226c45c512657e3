package store

import (
	"bytes"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The observable index holds keyed hashes (HMAC-SHA256 under the server's secret, made by
// the caller) of the observables each organisation's telemetry held, one row per
// organisation, UTC day and hash. It answers one question: which organisations saw this
// value, and on which days? It cannot say what they saw without the secret and a guess.

// indexBatch is the most rows one INSERT writes. Smaller tails are written in
// power-of-two statements so that only a few distinct statements exist.
const indexBatch = 512

// IndexObservables records that org's telemetry held the observables with these keyed
// hashes on the UTC day of day. Repeats are ignored. Called on the *Store that Tx passes,
// the rows commit with the rest of the transaction.
func (s *Store) IndexObservables(ctx context.Context, org string, day time.Time, hashes [][]byte) error {
	org, err := vigil.NormalizeODS(org)
	if err != nil {
		return err
	}
	d := dayText(day)
	// Insert in key order, so that concurrent uploads lock the index rows they share in
	// the same order instead of deadlocking.
	hashes = slices.Clone(hashes)
	slices.SortFunc(hashes, bytes.Compare)
	return s.inTx(ctx, func(tx *Store, c conn) error {
		for len(hashes) > 0 {
			n := min(len(hashes), indexBatch)
			n = 1 << (bits.Len(uint(n)) - 1) // largest power of two ≤ n
			if err := tx.insertIndexRows(ctx, c, org, d, hashes[:n]); err != nil {
				return err
			}
			hashes = hashes[n:]
		}
		return nil
	})
}

func (s *Store) insertIndexRows(ctx context.Context, c conn, org, day string, hashes [][]byte) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO observable_index (hash, org, day) VALUES `)
	args := make([]any, 0, 3*len(hashes))
	for i, h := range hashes {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?)")
		args = append(args, h, org, day)
	}
	q.WriteString(` ON CONFLICT DO NOTHING`)
	_, err := c.exec(ctx, q.String(), args...)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("index observables: organisation %s is not registered", org)
	}
	if err != nil {
		return fmt.Errorf("index observables: %w", err)
	}
	return nil
}

// ObservableHit is one organisation that saw a hashed observable: on which days.
type ObservableHit struct {
	// Hash is the keyed hash that was found.
	Hash []byte
	// Org is the ODS code of the organisation that saw it.
	Org string
	// FirstDay and LastDay are the first and last UTC days it was seen (midnight UTC).
	FirstDay, LastDay time.Time
}

// FindObservables looks hashes up in the observable index, on the UTC day of since and
// later, and returns one hit per hash and organisation that saw it, in no set order.
func (s *Store) FindObservables(ctx context.Context, hashes [][]byte, since time.Time) ([]ObservableHit, error) {
	var out []ObservableHit
	for len(hashes) > 0 {
		n := min(len(hashes), indexBatch)
		n = 1 << (bits.Len(uint(n)) - 1)
		hits, err := s.findIndexRows(ctx, hashes[:n], dayText(since))
		if err != nil {
			return nil, err
		}
		out = append(out, hits...)
		hashes = hashes[n:]
	}
	return out, nil
}

func (s *Store) findIndexRows(ctx context.Context, hashes [][]byte, since string) ([]ObservableHit, error) {
	args := make([]any, 0, len(hashes)+1)
	for _, h := range hashes {
		args = append(args, h)
	}
	args = append(args, since)
	rows, err := s.rdb().query(ctx, `SELECT hash, org, MIN(day), MAX(day) FROM observable_index
		WHERE hash IN (`+placeholders(len(hashes))+`) AND day >= ? GROUP BY hash, org`, args...)
	if err != nil {
		return nil, fmt.Errorf("find observables: %w", err)
	}
	defer rows.Close()
	var out []ObservableHit
	for rows.Next() {
		var h ObservableHit
		if err := rows.Scan(&h.Hash, &h.Org, dayCol{&h.FirstDay}, dayCol{&h.LastDay}); err != nil {
			return nil, fmt.Errorf("find observables: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find observables: %w", err)
	}
	return out, nil
}

// PurgeObservables deletes index rows of days before the UTC day of before, and returns
// how many went: the index is kept for the retention period and no longer. On
// PostgreSQL it drops those days' partitions (observable_partition.go).
func (s *Store) PurgeObservables(ctx context.Context, before time.Time) (int64, error) {
	if s.isPG() {
		return s.purgePartitions(ctx, before)
	}
	res, err := s.wdb().exec(ctx, `DELETE FROM observable_index WHERE day < ?`, dayText(before))
	if err != nil {
		return 0, fmt.Errorf("purge observable index: %w", err)
	}
	return res.RowsAffected()
}
