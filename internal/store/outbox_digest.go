package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/vigil-health/vigil"
)

// QueueDigest puts an alert in its organisation's next digest: isNew when it was just
// raised, false when an earlier alert was seen again. Queuing a queued alert keeps its
// first entry, so an alert raised and repeated before the digest counts as new.
func (s *Store) QueueDigest(ctx context.Context, alertID int64, isNew bool) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO digest_queue (alert_id, is_new, queued_at) VALUES (?, ?, ?)
		ON CONFLICT (alert_id) DO NOTHING`, alertID, isNew, dbTime(s.now()))
	if isForeignKeyViolation(err) {
		return vigil.Errorf(vigil.ENOTFOUND, "no alert %d", alertID)
	}
	if err != nil {
		return fmt.Errorf("queue alert %d for the digest: %w", alertID, err)
	}
	return nil
}

// DigestQueue returns every queued alert, by organisation and then alert id.
func (s *Store) DigestQueue(ctx context.Context) ([]vigil.DigestItem, error) {
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+`, is_new FROM digest_queue
		JOIN alerts ON alerts.id = digest_queue.alert_id ORDER BY org, id`)
	if err != nil {
		return nil, fmt.Errorf("read digest queue: %w", err)
	}
	defer rows.Close()
	var out []vigil.DigestItem
	for rows.Next() {
		var it vigil.DigestItem
		a, err := scanAlert(withExtra{rows, []any{&it.New}})
		if err != nil {
			return nil, fmt.Errorf("read digest queue: %w", err)
		}
		it.Alert = a
		out = append(out, it)
	}
	return out, rows.Err()
}

// ClearDigest removes alerts from the digest queue once a digest has listed them.
func (s *Store) ClearDigest(ctx context.Context, alertIDs []int64) error {
	const chunk = 500
	for len(alertIDs) > 0 {
		n := min(len(alertIDs), chunk)
		args := make([]any, n)
		for i, id := range alertIDs[:n] {
			args[i] = id
		}
		if _, err := s.wdb().exec(ctx, `DELETE FROM digest_queue WHERE alert_id IN (`+placeholders(n)+`)`, args...); err != nil {
			return fmt.Errorf("clear digest queue: %w", err)
		}
		alertIDs = alertIDs[n:]
	}
	return nil
}

// withExtra scans the columns scanAlert expects and then extra ones.
type withExtra struct {
	sc    scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// Queued is an alert for QueueDigests.
type Queued struct {
	// Alert is the alert's id; New says it was raised rather than repeated.
	Alert int64
	New   bool
}

// QueueDigests queues many alerts for the next digest, as QueueDigest does each in
// order (the first queueing of an alert is the one kept), multi-row.
func (s *Store) QueueDigests(ctx context.Context, qs []Queued) error {
	seen := map[int64]bool{}
	var keep []Queued
	for _, q := range qs {
		if !seen[q.Alert] {
			seen[q.Alert] = true
			keep = append(keep, q)
		}
	}
	if s.isPG() {
		if len(keep) == 0 {
			return nil
		}
		return s.queueDigestsPG(ctx, s.wdb(), keep)
	}
	at := dbTime(s.now())
	for part := range slices.Chunk(keep, writeRows) {
		args := make([]any, 0, 3*len(part))
		for _, q := range part {
			args = append(args, q.Alert, q.New, at)
		}
		_, err := s.wdb().exec(ctx, `INSERT INTO digest_queue (alert_id, is_new, queued_at) VALUES `+valuesList(len(part), 3)+`
			ON CONFLICT (alert_id) DO NOTHING`, args...)
		if isForeignKeyViolation(err) {
			return vigil.Errorf(vigil.ENOTFOUND, "an alert queued for the digest is not stored")
		}
		if err != nil {
			return fmt.Errorf("queue alerts for the digest: %w", err)
		}
	}
	return nil
}
