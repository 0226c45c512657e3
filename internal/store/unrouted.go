package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
)

// AddUnrouted keeps an event that matched nobody's assets, or counts a repeat of one
// with the same DedupKey, which keeps the stricter TLP of the two. It returns the
// entry's id and whether it was new.
func (s *Store) AddUnrouted(ctx context.Context, u vigil.UnroutedEvent) (id int64, created bool, err error) {
	k, err := s.KeepUnrouted(ctx, u)
	return k.ID, k.Created, err
}

// UnroutedKept is what KeepUnrouted did with an event.
type UnroutedKept struct {
	// ID is the entry's number; Created says it is new rather than a repeat.
	ID      int64
	Created bool
	// AssignedOrg is the organisation an analyst gave the entry to, when the event
	// repeats one already assigned: the repeat is that organisation's to hear of.
	AssignedOrg string
}

// KeepUnrouted is AddUnrouted telling also whether the entry the event repeats was
// assigned to an organisation.
func (s *Store) KeepUnrouted(ctx context.Context, u vigil.UnroutedEvent) (UnroutedKept, error) {
	var k UnroutedKept
	if u.DedupKey == "" || len(u.DedupKey) > 512 {
		return k, vigil.Errorf(vigil.EINVALID, "an unrouted event needs a dedup key of at most 512 bytes")
	}
	ev := u.Event
	at := timeOr(ev.Time, s.now())
	// RETURNING tells a repeat from an insert: count is 1 only on insert.
	var count int
	var assigned sql.NullString
	err := s.wdb().row(ctx, `INSERT INTO unrouted_events (type, observable, observable_type, source, severity, port,
		service, cve, description, reporter, count, first_seen, last_seen, received_at, dedup_key, tlp)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
		ON CONFLICT (dedup_key) DO UPDATE SET count = unrouted_events.count + 1,
			first_seen = CASE WHEN excluded.first_seen < unrouted_events.first_seen THEN excluded.first_seen ELSE unrouted_events.first_seen END,
			last_seen = CASE WHEN excluded.last_seen > unrouted_events.last_seen THEN excluded.last_seen ELSE unrouted_events.last_seen END,
			tlp = CASE WHEN `+tlpRank("excluded.tlp")+` > `+tlpRank("unrouted_events.tlp")+` THEN excluded.tlp ELSE unrouted_events.tlp END
		RETURNING id, count, assigned_org`,
		ev.Type, ev.Observable, string(ev.ObservableType), ev.Source, string(ev.Severity), ev.Port, ev.Service, ev.CVE,
		ev.Description, u.Reporter, dbTime(at), dbTime(at), dbTime(s.now()), u.DedupKey, string(ev.TLP)).Scan(&k.ID, &count, &assigned)
	if err != nil {
		return UnroutedKept{}, fmt.Errorf("keep unrouted event: %w", err)
	}
	k.Created, k.AssignedOrg = count == 1, assigned.String
	return k, nil
}

const unroutedColumns = `id, type, observable, observable_type, source, severity, port, service, cve, description,
	reporter, count, first_seen, last_seen, received_at, dedup_key, tlp`

func scanUnrouted(sc scanner) (vigil.UnroutedEvent, error) {
	var u vigil.UnroutedEvent
	ev := &u.Event
	err := sc.Scan(&u.ID, &ev.Type, &ev.Observable, &ev.ObservableType, &ev.Source, &ev.Severity, &ev.Port, &ev.Service,
		&ev.CVE, &ev.Description, &u.Reporter, &u.Count, scanTime(&ev.Time), scanTime(&u.LastSeen), scanTime(&u.ReceivedAt),
		&u.DedupKey, &ev.TLP)
	return u, err
}

// unroutedOrders are the orders of the unrouted events (vigil.UnroutedSort).
var unroutedOrders = sortedList[vigil.UnroutedSort, vigil.UnroutedEvent]{kind: "unrouted", tie: "id", tieArg: idArg,
	tieKey: unroutedID,
	orders: map[vigil.UnroutedSort]keyOrder[vigil.UnroutedEvent]{
		vigil.UnroutedByNewest: {col: "id", key: unroutedID, arg: idArg},
		vigil.UnroutedByLastSeen: {col: "last_seen", key: func(u vigil.UnroutedEvent) string { return timeKey(u.LastSeen) },
			arg: timeArg},
		vigil.UnroutedByCount: {col: "count", key: func(u vigil.UnroutedEvent) string { return strconv.Itoa(u.Count) }, arg: intArg},
		vigil.UnroutedByType:  {col: "type", keyAsc: true, key: func(u vigil.UnroutedEvent) string { return u.Event.Type }, arg: textArg},
	}}

func unroutedID(u vigil.UnroutedEvent) string { return idText(u.ID) }

// ListUnrouted returns the unrouted events still waiting for an analyst (not assigned
// to an organisation), in f.Sort's order (newest first unless asked), and the cursor of
// the next page ("" on the last page).
func (s *Store) ListUnrouted(ctx context.Context, f vigil.UnroutedFilter) ([]vigil.UnroutedEvent, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	var w where
	w.add(true, "assigned_at IS NULL") // as unrouted_waiting is written, so that it serves
	if err := unroutedOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Type != "", "type = ?", f.Type)
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT `+unroutedColumns+` FROM unrouted_events`+w.String()+unroutedOrders.orderBy(sort)+` LIMIT ?`,
		append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list unrouted events: %w", err)
	}
	defer rows.Close()
	var out []vigil.UnroutedEvent
	for rows.Next() {
		u, err := scanUnrouted(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list unrouted events: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list unrouted events: %w", err)
	}
	out, next := unroutedOrders.page(sort, out, limit)
	return out, next, nil
}

// KeepUnroutedAll keeps many unrouted events at once, with the same outcome as
// KeepUnrouted on each in order, in one multi-row upsert per chunk: the events of one
// dedup key are folded first (a statement may not upsert one row twice), their count,
// seen times and stricter TLP together. The i-th result is the i-th event's.
func (s *Store) KeepUnroutedAll(ctx context.Context, us []vigil.UnroutedEvent) ([]UnroutedKept, error) {
	groups, order, err := foldUnrouted(us, s.now())
	if err != nil {
		return nil, err
	}
	kept := make(map[string]UnroutedKept, len(order))
	if s.isPG() && len(order) > 0 {
		if err := s.upsertUnroutedPG(ctx, order, groups, kept); err != nil {
			return nil, err
		}
		order = nil
	}
	for part := range slices.Chunk(order, writeRows) {
		if err := s.upsertUnrouted(ctx, part, groups, kept); err != nil {
			return nil, err
		}
	}
	out := make([]UnroutedKept, len(us))
	first := map[string]bool{}
	for i, u := range us {
		out[i] = kept[u.DedupKey]
		out[i].Created = out[i].Created && !first[u.DedupKey] // only the first of a new key created it
		first[u.DedupKey] = true
	}
	return out, nil
}

// unroutedGroup is the events of one dedup key folded into the row they write.
type unroutedGroup struct {
	u           vigil.UnroutedEvent // the first, whose fields a new row takes
	count       int
	first, last time.Time
	tlp         vigil.TLP
}

// foldUnrouted groups us by dedup key, in the order keys first appear.
func foldUnrouted(us []vigil.UnroutedEvent, now time.Time) (map[string]*unroutedGroup, []string, error) {
	groups := map[string]*unroutedGroup{}
	var order []string
	for _, u := range us {
		if u.DedupKey == "" || len(u.DedupKey) > 512 {
			return nil, nil, vigil.Errorf(vigil.EINVALID, "an unrouted event needs a dedup key of at most 512 bytes")
		}
		at := timeOr(u.Event.Time, now)
		g, ok := groups[u.DedupKey]
		if !ok {
			groups[u.DedupKey] = &unroutedGroup{u: u, count: 1, first: at, last: at, tlp: u.Event.TLP}
			order = append(order, u.DedupKey)
			continue
		}
		g.count++
		if at.Before(g.first) {
			g.first = at
		}
		if at.After(g.last) {
			g.last = at
		}
		if u.Event.TLP.Rank() > g.tlp.Rank() {
			g.tlp = u.Event.TLP
		}
	}
	return groups, order, nil
}

// upsertUnrouted writes the groups of keys in one statement and records in kept what
// became of each: a row whose count is the group's own was inserted.
func (s *Store) upsertUnrouted(ctx context.Context, keys []string, groups map[string]*unroutedGroup, kept map[string]UnroutedKept) error {
	args := make([]any, 0, 16*len(keys))
	received := dbTime(s.now())
	for _, k := range keys {
		g := groups[k]
		ev := g.u.Event
		args = append(args, ev.Type, ev.Observable, string(ev.ObservableType), ev.Source, string(ev.Severity), ev.Port,
			ev.Service, ev.CVE, ev.Description, g.u.Reporter, g.count, dbTime(g.first), dbTime(g.last), received, k, string(g.tlp))
	}
	rows, err := s.wdb().query(ctx, `INSERT INTO unrouted_events (type, observable, observable_type, source, severity, port,
		service, cve, description, reporter, count, first_seen, last_seen, received_at, dedup_key, tlp)
		VALUES `+valuesList(len(keys), 16)+`

		`+unroutedMerge, args...)
	return keptUnrouted(rows, err, groups, kept)
}

// unroutedMerge merges a repeat of an unrouted event into the row kept (counts added, the
// widest span of times, the stricter TLP) and returns what keptUnrouted reads.
var unroutedMerge = `ON CONFLICT (dedup_key) DO UPDATE SET count = unrouted_events.count + excluded.count,
	first_seen = CASE WHEN excluded.first_seen < unrouted_events.first_seen THEN excluded.first_seen ELSE unrouted_events.first_seen END,
	last_seen = CASE WHEN excluded.last_seen > unrouted_events.last_seen THEN excluded.last_seen ELSE unrouted_events.last_seen END,
	tlp = CASE WHEN ` + tlpRank("excluded.tlp") + ` > ` + tlpRank("unrouted_events.tlp") + ` THEN excluded.tlp ELSE unrouted_events.tlp END
	RETURNING id, count, assigned_org, dedup_key`

// keptUnrouted records, by dedup key, the rows an upsert with unroutedMerge returned: a
// row whose count is the batch's own was created by it.
func keptUnrouted(rows *sql.Rows, err error, groups map[string]*unroutedGroup, kept map[string]UnroutedKept) error {
	if err == nil {
		err = eachRow(rows, func(sc scanner) error {
			var k UnroutedKept
			var count int
			var assigned sql.NullString
			var key string
			err := sc.Scan(&k.ID, &count, &assigned, &key)
			k.Created, k.AssignedOrg = count == groups[key].count, assigned.String
			kept[key] = k
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("keep unrouted events: %w", err)
	}
	return nil
}
