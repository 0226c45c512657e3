package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The alert writers' PostgreSQL statements. A multi-row VALUES list binds one parameter
// per cell (17 per alert), sent as text and parsed, and its text differs with every row
// count, so PostgreSQL parses and plans each batch afresh. These bind one array per
// column instead and read them back with unnest: one statement text whatever the batch
// size (prepared once per connection), a handful of parameters in binary, so that
// neither side spends its time on the statement rather than the rows. SQLite keeps the
// VALUES lists, for which it has no such cost.

// pgTimeAt is t as a binary timestamp argument, microsecond-exact as dbTime; nil (NULL)
// when zero.
func pgTimeAt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

// alertColumnsA is alertColumns of a table named a.
var alertColumnsA = "a." + strings.Join(strings.Split(strings.Join(strings.Fields(alertColumns), " "), ", "), ", a.")

// insertAlertsPG inserts the keyed alerts at the indexes part in one statement, setting
// the id of each one inserted in ids (absent when its dedup key was taken).
func (s *Store) insertAlertsPG(ctx context.Context, c conn, norm []vigil.Alert, part []int, ids map[int]int64) error {
	n := len(part)
	var org, kind, sev, status, title, body, obs, ind, sources, pubs, tlp, key = make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	count := make([]int64, n)
	first, last, created, ackDue, fixDue := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n),
		make([]*time.Time, n), make([]*time.Time, n)
	byKey := make(map[AlertKey]int, n)
	for j, i := range part {
		a := norm[i]
		byKey[AlertKey{a.Org, a.DedupKey}] = i
		org[j], kind[j], sev[j], status[j], title[j], body[j] = a.Org, string(a.Kind), string(a.Severity), string(a.Status), a.Title, a.Body
		obs[j], ind[j], sources[j], pubs[j] = a.Observable, a.Indicator, jsonList(a.Sources), jsonList(a.Publishers)
		tlp[j], key[j], count[j] = string(a.TLP), a.DedupKey, int64(a.Count)
		first[j], last[j], created[j], ackDue[j], fixDue[j] = pgTimeAt(a.FirstSeen), pgTimeAt(a.LastSeen), pgTimeAt(a.CreatedAt), pgTimeAt(a.AckDueAt), pgTimeAt(a.FixDueAt)
	}
	rows, err := c.query(ctx, `INSERT INTO alerts (org, kind, severity, status, title, body, observable, indicator,
		sources, publishers, tlp, count, first_seen, last_seen, created_at, dedup_key, ack_due_at, fix_due_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::int4[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[],
			$16::text[], $17::timestamptz[], $18::timestamptz[])
		ON CONFLICT (org, dedup_key) DO NOTHING RETURNING id, org, dedup_key`,
		org, kind, sev, status, title, body, obs, ind, sources, pubs, tlp, count, first, last, created, key, ackDue, fixDue)
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
		return vigil.Errorf(vigil.EINVALID, "organisation %s is not registered", norm[part[0]].Org)
	}
	if err != nil {
		return fmt.Errorf("insert alerts: %w", err)
	}
	return nil
}

// lockAlertsPG reads the stored alerts with the given keys (sorted) for update, in key
// order, into out.
func (s *Store) lockAlertsPG(ctx context.Context, c conn, keys []AlertKey, out map[AlertKey]vigil.Alert) error {
	orgs, dedup := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		orgs[i], dedup[i] = k.Org, k.DedupKey
	}
	rows, err := c.query(ctx, `SELECT `+alertColumnsA+` FROM unnest($1::text[], $2::text[]) AS k (org, dedup_key)
		JOIN alerts a ON a.org = k.org AND a.dedup_key = k.dedup_key ORDER BY a.org, a.dedup_key FOR UPDATE OF a`, orgs, dedup)
	return alertsByKey(rows, err, out)
}

// updateAlertsPG writes the merged alerts' changing columns over their stored rows, in
// one UPDATE joined to the arrays.
func (s *Store) updateAlertsPG(ctx context.Context, c conn, merged []vigil.Alert) error {
	n := len(merged)
	ids, count := make([]int64, n), make([]int64, n)
	sev, sources, pubs, tlp, title, body := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n)
	first, last, ackDue, fixDue := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	for i, a := range merged {
		ids[i], count[i], sev[i], sources[i], pubs[i] = a.ID, int64(a.Count), string(a.Severity), jsonList(a.Sources), jsonList(a.Publishers)
		tlp[i], title[i], body[i] = string(a.TLP), a.Title, a.Body
		first[i], last[i], ackDue[i], fixDue[i] = pgTimeAt(a.FirstSeen), pgTimeAt(a.LastSeen), pgTimeAt(a.AckDueAt), pgTimeAt(a.FixDueAt)
	}
	_, err := c.exec(ctx, `UPDATE alerts AS a SET count = u.count, severity = u.severity, sources = u.sources,
		publishers = u.publishers, tlp = u.tlp, title = u.title, body = u.body, first_seen = u.first_seen,
		last_seen = u.last_seen, ack_due_at = u.ack_due_at, fix_due_at = u.fix_due_at
		FROM unnest($1::int8[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])
			AS u (id, count, severity, sources, publishers, tlp, title, body, first_seen, last_seen, ack_due_at, fix_due_at)
		WHERE a.id = u.id`, ids, count, sev, sources, pubs, tlp, title, body, first, last, ackDue, fixDue)
	if err != nil {
		return fmt.Errorf("update repeated alerts: %w", err)
	}
	return nil
}

// insertHistoryPG inserts timeline entries in one statement.
func (s *Store) insertHistoryPG(ctx context.Context, c conn, es []vigil.HistoryEntry) error {
	n := len(es)
	alert, count := make([]int64, n), make([]int64, n)
	at, due := make([]*time.Time, n), make([]*time.Time, n)
	kind, by, note, sev, tlp, to := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range es {
		rcpt, _ := json.Marshal(nonNil(e.To))
		alert[i], at[i], kind[i], by[i], note[i], count[i] = e.Alert, pgTimeAt(e.At), string(e.Kind), e.By, e.Note, int64(e.Count)
		sev[i], tlp[i], due[i], to[i] = string(e.Severity), string(e.TLP), pgTimeAt(e.DueAt), string(rcpt)
	}
	_, err := c.exec(ctx, `INSERT INTO alert_history (alert_id, at, kind, actor, note, count, severity, tlp, due_at, recipients)
		SELECT * FROM unnest($1::int8[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[],
			$8::text[], $9::timestamptz[], $10::text[])`, alert, at, kind, by, note, count, sev, tlp, due, to)
	if err != nil {
		return fmt.Errorf("history of alerts: %w", err)
	}
	return nil
}

// lastHistoryPG reads the last stored entry of each of alerts that has one.
func (s *Store) lastHistoryPG(ctx context.Context, c conn, alerts []int64, out map[int64]storedEntry) error {
	rows, err := c.query(ctx, `SELECT h.alert_id, h.id, h.kind FROM unnest($1::int8[]) AS a (id)
		CROSS JOIN LATERAL (SELECT alert_id, id, kind FROM alert_history WHERE alert_id = a.id ORDER BY id DESC LIMIT 1) h`, alerts)
	if err == nil {
		err = eachRow(rows, func(sc scanner) error {
			var alert int64
			var e storedEntry
			err := sc.Scan(&alert, &e.id, &e.kind)
			out[alert] = e
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("history of alerts: %w", err)
	}
	return nil
}

// moveHistoryPG moves stored "repeated" entries on in one UPDATE joined to the arrays.
func (s *Store) moveHistoryPG(ctx context.Context, c conn, move []movedEntry) error {
	ids, count, at := make([]int64, len(move)), make([]int64, len(move)), make([]*time.Time, len(move))
	for i, m := range move {
		ids[i], count[i], at[i] = m.id, int64(m.count), pgTimeAt(m.at)
	}
	_, err := c.exec(ctx, `UPDATE alert_history AS h SET at = m.at, count = m.count
		FROM unnest($1::int8[], $2::timestamptz[], $3::int4[]) AS m (id, at, count) WHERE h.id = m.id`, ids, at, count)
	if err != nil {
		return fmt.Errorf("history of alerts: %w", err)
	}
	return nil
}

// queueDigestsPG queues alerts for the digest in one statement.
func (s *Store) queueDigestsPG(ctx context.Context, c conn, qs []Queued) error {
	ids, isNew := make([]int64, len(qs)), make([]bool, len(qs))
	for i, q := range qs {
		ids[i], isNew[i] = q.Alert, q.New
	}
	_, err := c.exec(ctx, `INSERT INTO digest_queue (alert_id, is_new, queued_at)
		SELECT id, is_new, $3::timestamptz FROM unnest($1::int8[], $2::bool[]) AS q (id, is_new)
		ON CONFLICT (alert_id) DO NOTHING`, ids, isNew, pgTimeAt(s.now()))
	if isForeignKeyViolation(err) {
		return vigil.Errorf(vigil.ENOTFOUND, "an alert queued for the digest is not stored")
	}
	if err != nil {
		return fmt.Errorf("queue alerts for the digest: %w", err)
	}
	return nil
}

// addOutboxesPG queues the checked messages in one statement.
func (s *Store) addOutboxesPG(ctx context.Context, c conn, es []vigil.OutboxEntry) error {
	n := len(es)
	org, kind, subject, body, to, tlp, key := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	alert := make([]*int64, n)
	created, due := make([]*time.Time, n), make([]*time.Time, n)
	for i, e := range es {
		rcpt, _ := json.Marshal(nonNil(e.Recipients))
		org[i], kind[i], subject[i], body[i], to[i], tlp[i], key[i] = e.Org, string(e.Kind), e.Subject, e.Body, string(rcpt), string(e.TLP), e.DedupKey
		if e.AlertID != 0 {
			id := e.AlertID
			alert[i] = &id
		}
		created[i], due[i] = pgTimeAt(e.CreatedAt), pgTimeAt(e.DueAt)
	}
	_, err := c.exec(ctx, `INSERT INTO outbox (org, kind, subject, body, recipients, alert_id, tlp, dedup_key, created_at, due_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[],
			$9::timestamptz[], $10::timestamptz[])
		ON CONFLICT (org, dedup_key) DO NOTHING`, org, kind, subject, body, to, alert, tlp, key, created, due)
	if isForeignKeyViolation(err) {
		return vigil.Errorf(vigil.EINVALID, "an organisation or alert of a queued message is not registered")
	}
	if err != nil {
		return fmt.Errorf("queue messages: %w", err)
	}
	return nil
}

// knownOrgsPG reads which of orgs are registered. It joins the array rather than test
// ods_code = ANY of it, which rechecks every row found against the whole array.
func (s *Store) knownOrgsPG(ctx context.Context, c conn, orgs []string, known map[string]bool) error {
	rows, err := c.query(ctx, `SELECT o.ods_code FROM unnest($1::text[]) AS k (code)
		JOIN orgs o ON o.ods_code = k.code`, orgs)
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
	return nil
}

// upsertUnroutedPG is upsertUnrouted in one statement over arrays.
func (s *Store) upsertUnroutedPG(ctx context.Context, keys []string, groups map[string]*unroutedGroup, kept map[string]UnroutedKept) error {
	n := len(keys)
	typ, obs, obsType, source, sev, service, cve, desc, reporter, tlp := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	port, count := make([]int64, n), make([]int64, n)
	first, last := make([]*time.Time, n), make([]*time.Time, n)
	for i, k := range keys {
		g := groups[k]
		ev := g.u.Event
		typ[i], obs[i], obsType[i], source[i], sev[i], port[i] = ev.Type, ev.Observable, string(ev.ObservableType), ev.Source, string(ev.Severity), int64(ev.Port)
		service[i], cve[i], desc[i], reporter[i], count[i], tlp[i] = ev.Service, ev.CVE, ev.Description, g.u.Reporter, int64(g.count), string(g.tlp)
		first[i], last[i] = pgTimeAt(g.first), pgTimeAt(g.last)
	}
	rows, err := s.wdb().query(ctx, `INSERT INTO unrouted_events (type, observable, observable_type, source, severity, port,
		service, cve, description, reporter, count, first_seen, last_seen, received_at, dedup_key, tlp)
		SELECT type, observable, observable_type, source, severity, port, service, cve, description, reporter, count,
			first_seen, last_seen, $16::timestamptz, dedup_key, tlp
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[], $9::text[],
			$10::text[], $11::int4[], $12::timestamptz[], $13::timestamptz[], $14::text[], $15::text[])
			AS u (type, observable, observable_type, source, severity, port, service, cve, description, reporter, count,
			first_seen, last_seen, dedup_key, tlp)

		`+unroutedMerge,
		typ, obs, obsType, source, sev, port, service, cve, desc, reporter, count, first, last, keys, tlp, pgTimeAt(s.now()))
	return keptUnrouted(rows, err, groups, kept)
}
