package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Raising is one alert for RaiseAlerts: the alert and the words of its flow (nil keeps a
// repeat's title and body).
type Raising struct {
	// Alert is the alert to raise or repeat.
	Alert vigil.Alert
	// Words words a repeat again when it changed the sources, publishers or TLP.
	Words vigil.AlertWords
}

// writeRows is how many rows one multi-row statement of the alert writers carries: well
// under both engines' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535) at
// the 25 columns of the widest.
const writeRows = 500

// RaiseAlerts raises or repeats many alerts at once, in one transaction, with the same
// outcome as calling RaiseAlertMerged on each in order: the i-th result says what raising
// the i-th alert did, a later alert with the same organisation and dedup key as an
// earlier one repeating it. It costs a handful of statements for the whole batch rather
// than two or three for each alert, which is what bounds a busy server on PostgreSQL,
// where each statement is a round trip. New alerts are inserted in the order given and
// existing ones locked in (organisation, dedup key) order, so callers that sort by it
// do not deadlock one another.
func (s *Store) RaiseAlerts(ctx context.Context, in []Raising) ([]Raised, error) {
	now := s.now()
	norm := make([]vigil.Alert, len(in))
	for i, r := range in {
		a, err := vigil.NewAlert(r.Alert, now)
		if err != nil {
			return nil, err
		}
		norm[i] = a
	}
	var out []Raised
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		var err error
		out, err = tx.raiseAlerts(ctx, c, in, norm)
		return err
	})
	return out, err
}

// raiseAlerts is RaiseAlerts inside the transaction, over the normalised alerts.
func (s *Store) raiseAlerts(ctx context.Context, c conn, in []Raising, norm []vigil.Alert) ([]Raised, error) {
	if err := s.checkAlertOrgs(ctx, c, norm); err != nil {
		return nil, err
	}
	first := map[AlertKey]int{} // the first alert of each dedup key
	var fresh []int             // the alerts to try inserting
	for i, a := range norm {
		k := AlertKey{a.Org, a.DedupKey}
		if _, seen := first[k]; seen && a.DedupKey != "" {
			continue
		}
		first[k] = i
		fresh = append(fresh, i)
	}
	ids, err := s.insertAlerts(ctx, c, norm, fresh)
	if err != nil {
		return nil, err
	}
	var taken []AlertKey // keys that were in the store already
	for _, i := range fresh {
		if ids[i] == 0 {
			taken = append(taken, AlertKey{norm[i].Org, norm[i].DedupKey})
		}
	}
	stored, err := s.lockAlerts(ctx, c, taken)
	if err != nil {
		return nil, err
	}
	out, changed, err := foldRaisings(in, norm, ids, stored)
	if err != nil {
		return nil, err
	}
	return out, s.updateAlerts(ctx, c, changed)
}

// checkAlertOrgs refuses the batch in the words RaiseAlertMerged would use when one of
// its organisations is not registered. A batch of one organisation leaves it to the
// foreign key, saving the statement.
func (s *Store) checkAlertOrgs(ctx context.Context, c conn, norm []vigil.Alert) error {
	seen := map[string]bool{}
	var orgs []string
	for _, a := range norm {
		if !seen[a.Org] {
			seen[a.Org] = true
			orgs = append(orgs, a.Org)
		}
	}
	if len(orgs) < 2 {
		return nil
	}
	known := map[string]bool{}
	var err error
	if s.isPG() {
		err = s.knownOrgsPG(ctx, c, orgs, known)
	} else {
		err = s.knownOrgsChunks(ctx, c, orgs, known)
	}
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if !known[o] {
			return vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", o)
		}
	}
	return nil
}

// knownOrgsChunks reads which of orgs are registered, an IN list per chunk.
func (s *Store) knownOrgsChunks(ctx context.Context, c conn, orgs []string, known map[string]bool) error {
	for part := range slices.Chunk(orgs, writeRows) {
		rows, err := c.query(ctx, `SELECT ods_code FROM orgs WHERE ods_code IN (`+placeholders(len(part))+`)`, anys(part)...)
		if err == nil {
			err = eachRow(rows, func(sc scanner) error {
				var o string
				err := sc.Scan(&o)
				known[o] = true
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("check organisations of alerts: %w", err)
		}
	}
	return nil
}

// insertAlerts inserts the alerts at the indexes fresh, multi-row, and returns the id of
// each one inserted by index (0, or absent, when its dedup key was taken). An alert with
// no dedup key never repeats; it is inserted on its own, as nothing tells its row apart.
func (s *Store) insertAlerts(ctx context.Context, c conn, norm []vigil.Alert, fresh []int) (map[int]int64, error) {
	ids := make(map[int]int64, len(fresh))
	var keyed []int
	for _, i := range fresh {
		if norm[i].DedupKey != "" {
			keyed = append(keyed, i)
			continue
		}
		id, err := s.insertAlert(ctx, c, norm[i])
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	if s.isPG() && len(keyed) > 0 {
		return ids, s.insertAlertsPG(ctx, c, norm, keyed, ids)
	}
	for part := range slices.Chunk(keyed, writeRows) {
		byKey := make(map[AlertKey]int, len(part))
		var args []any
		for _, i := range part {
			a := norm[i]
			byKey[AlertKey{a.Org, a.DedupKey}] = i
			args = append(args, a.Org, string(a.Kind), string(a.Severity), string(a.Status), a.Title, a.Body, a.Observable,
				a.Indicator, jsonList(a.Sources), jsonList(a.Publishers), string(a.TLP), a.Count, dbTime(a.FirstSeen),
				dbTime(a.LastSeen), dbTime(a.CreatedAt), a.DedupKey, dbTime(a.AckDueAt), dbTime(a.FixDueAt))
		}
		rows, err := c.query(ctx, `INSERT INTO alerts (org, kind, severity, status, title, body, observable, indicator,
			sources, publishers, tlp, count, first_seen, last_seen, created_at, dedup_key, ack_due_at, fix_due_at)
			VALUES `+valuesList(len(part), 18)+`
			ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id, org, dedup_key`, args...)
		if err == nil {
			err = eachRow(rows, func(sc scanner) error {
				var k AlertKey
				var id int64
				err := sc.Scan(&id, &k.Org, &k.DedupKey)
				ids[byKey[k]] = id
				return err
			})
		}
		if isForeignKeyViolation(err) {
			return nil, vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", norm[part[0]].Org)
		}
		if err != nil {
			return nil, fmt.Errorf("insert alerts: %w", err)
		}
	}
	return ids, nil
}

// lockAlerts reads the stored alerts with the given keys for update, in key order.
func (s *Store) lockAlerts(ctx context.Context, c conn, keys []AlertKey) (map[AlertKey]vigil.Alert, error) {
	out := make(map[AlertKey]vigil.Alert, len(keys))
	slices.SortFunc(keys, cmpAlertKey)
	var err error
	switch {
	case len(keys) == 0:
	case s.isPG():
		err = s.lockAlertsPG(ctx, c, keys, out)
	default:
		err = s.lockAlertsChunks(ctx, c, keys, out)
	}
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("read repeated alert of %s %q: gone while raising", k.Org, k.DedupKey)
		}
	}
	return out, nil
}

// lockAlertsChunks is lockAlerts on SQLite (where FOR UPDATE is not needed: the
// transaction holds the only writer), a multi-row OR per chunk of keys.
func (s *Store) lockAlertsChunks(ctx context.Context, c conn, keys []AlertKey, out map[AlertKey]vigil.Alert) error {
	for part := range slices.Chunk(keys, writeRows) {
		conds := make([]string, len(part))
		args := make([]any, 0, 2*len(part))
		for i, k := range part {
			conds[i] = "(org = ? AND dedup_key = ?)"
			args = append(args, k.Org, k.DedupKey)
		}
		rows, err := c.query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE `+strings.Join(conds, " OR ")+
			` ORDER BY org, dedup_key`+s.forUpdate(), args...)
		if err := alertsByKey(rows, err, out); err != nil {
			return err
		}
	}
	return nil
}

// alertsByKey files the alerts a query of the repeated alerts read (or failed with
// err) in out by their key.
func alertsByKey(rows *sql.Rows, err error, out map[AlertKey]vigil.Alert) error {
	if err == nil {
		err = eachRow(rows, func(sc scanner) error {
			a, err := scanAlert(sc)
			out[AlertKey{a.Org, a.DedupKey}] = a
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("read repeated alerts: %w", err)
	}
	return nil
}

// foldRaisings works out, in order, what raising each alert did: the first of a key
// inserted is new, every other merges into the key's alert as it stands (vigil.Alert.Merge),
// worded again by its words when that changed its sources, publishers or TLP. It returns the results
// and the alerts whose stored row must be brought up to date, in key order.
func foldRaisings(in []Raising, norm []vigil.Alert, ids map[int]int64, stored map[AlertKey]vigil.Alert) ([]Raised, []vigil.Alert, error) {
	out := make([]Raised, len(norm))
	state := stored // each key's alert as the batch has left it so far
	var changed []AlertKey
	for i, a := range norm {
		k := AlertKey{a.Org, a.DedupKey}
		if id := ids[i]; id != 0 {
			a.ID = id
			out[i] = Raised{Alert: a, Created: true}
			if a.DedupKey != "" {
				state[k] = a
			}
			continue
		}
		cur := state[k]
		was := cur
		was.Sources, was.Publishers = slices.Clone(cur.Sources), slices.Clone(cur.Publishers)
		cur.Sources, cur.Publishers = slices.Clone(cur.Sources), slices.Clone(cur.Publishers)
		if cur.Merge(a) && in[i].Words != nil {
			title, body := in[i].Words(cur)
			var err error
			if cur.Title, err = vigil.Text("title", title, 300, true); err != nil {
				return nil, nil, err
			}
			cur.Body = body
		}
		if !slices.Contains(changed, k) {
			changed = append(changed, k)
		}
		state[k] = cur
		out[i] = Raised{Alert: cur, Was: was}
	}
	rows := make([]vigil.Alert, len(changed))
	for i, k := range changed {
		rows[i] = state[k]
	}
	slices.SortFunc(rows, func(a, b vigil.Alert) int {
		return cmpAlertKey(AlertKey{a.Org, a.DedupKey}, AlertKey{b.Org, b.DedupKey})
	})
	return out, rows, nil
}

// cmpAlertKey orders keys by organisation, then dedup key: the order rows are locked in.
func cmpAlertKey(a, b AlertKey) int {
	if n := strings.Compare(a.Org, b.Org); n != 0 {
		return n
	}
	return strings.Compare(a.DedupKey, b.DedupKey)
}

// updateAlerts writes the merged alerts over their stored rows, multi-row. An INSERT that
// always meets its own id is the one statement both engines take to update many rows
// with different values: ON CONFLICT (id) updates the merged columns and nothing is
// inserted. The other columns are given as stored only to satisfy NOT NULL.
func (s *Store) updateAlerts(ctx context.Context, c conn, merged []vigil.Alert) error {
	if s.isPG() {
		if len(merged) == 0 {
			return nil
		}
		return s.updateAlertsPG(ctx, c, merged)
	}
	for part := range slices.Chunk(merged, writeRows) {
		var args []any
		for _, a := range part {
			args = append(args, a.ID, a.Org, string(a.Kind), string(a.Severity), string(a.Status), a.Title, a.Body,
				jsonList(a.Sources), jsonList(a.Publishers), string(a.TLP), a.Count, dbTime(a.FirstSeen), dbTime(a.LastSeen),
				dbTime(a.CreatedAt), nullString(a.DedupKey), dbTime(a.AckDueAt), dbTime(a.FixDueAt))
		}
		_, err := c.exec(ctx, `INSERT INTO alerts (id, org, kind, severity, status, title, body, sources, publishers, tlp,
			count, first_seen, last_seen, created_at, dedup_key, ack_due_at, fix_due_at) VALUES `+valuesList(len(part), 17)+`
			ON CONFLICT (id) DO UPDATE SET count = excluded.count, severity = excluded.severity, sources = excluded.sources,
			publishers = excluded.publishers, tlp = excluded.tlp, title = excluded.title, body = excluded.body, first_seen = excluded.first_seen,
			last_seen = excluded.last_seen, ack_due_at = excluded.ack_due_at, fix_due_at = excluded.fix_due_at`, args...)
		if err != nil {
			return fmt.Errorf("update repeated alerts: %w", err)
		}
	}
	return nil
}

// eachRow calls fn on every row of rows and closes them.
func eachRow(rows interface {
	scanner
	Next() bool
	Err() error
	Close() error
}, fn func(scanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
