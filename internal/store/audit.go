package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vigil-health/vigil"
)

// ErrAuditBroken is wrapped by VerifyAudit's error when the chain does not hold.
var ErrAuditBroken = errors.New("the audit log has been tampered with")

// ErrAuditKeyMissing is returned when the audit log has keyed rows and the store has no
// audit key: such a process can neither extend nor check the chain.
var ErrAuditKeyMissing = vigil.Errorf(vigil.EUNAVAILABLE, "the audit log is keyed with the server secret, which this process does not have: run it with the server's VIGIL_SECRET or data dir")

// The versions of the audit chain, in the chain column.
const (
	chainPlain = 0 // SHA-256 (auditHash): rows written before the chain was keyed
	chainKeyed = 1 // HMAC-SHA256 with the audit key (keyedAuditHash)
)

// auditKeyLabel is what the server secret is HMACed with to make the audit key: the key
// is never the secret itself, and a new label makes a new chain version.
const auditKeyLabel = "vigil audit chain v1"

// auditKey holds the audit chain's key, shared by a Store and the copies Tx makes of it.
type auditKey struct{ key atomic.Pointer[[]byte] }

// SetAuditKey derives the audit chain's key from the server secret,
// HMAC-SHA256(secret, "vigil audit chain v1"), and keys every row appended from now on.
// Open calls it with Config.Secret; the server and every command that writes to its
// store must use the same secret.
func (s *Store) SetAuditKey(secret []byte) {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(auditKeyLabel))
	k := mac.Sum(nil)
	s.audit.key.Store(&k)
}

// auditKey returns the audit key, nil when none is set.
func (s *Store) auditKey() []byte {
	if p := s.audit.key.Load(); p != nil {
		return *p
	}
	return nil
}

// maxAuditDetail bounds one row's detail.
const maxAuditDetail = 64 << 10

// Audit appends a row to the audit log: actor (an email, a token name or "system") did
// action (e.g. "org.create") to target (e.g. "RXA" or "alert/42"), with detail marshalled
// to compact JSON (nil for none; never put a secret in it). Appends are serialised so
// that the chain is one line: on SQLite by the single writer, on PostgreSQL by a lock on
// the table held to the end of the transaction. Call it on the *Store that Tx passes to
// record a change and its audit row atomically. With an audit key (SetAuditKey) the row
// is keyed; without one it is plain, and Audit refuses to extend a keyed chain.
func (s *Store) Audit(ctx context.Context, actor, action, target string, detail any) (vigil.AuditEntry, error) {
	e, err := newAuditEntry(actor, action, target, detail)
	if err != nil {
		return e, err
	}
	key := s.auditKey()
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		if s.isPG() {
			if _, err := c.exec(ctx, `LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock audit log: %w", err)
			}
		}
		var headChain int
		err := c.row(ctx, `SELECT seq, hash, chain FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash, &headChain)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read audit head: %w", err)
		}
		chain := chainPlain
		if key != nil {
			chain = chainKeyed
		} else if headChain != chainPlain {
			return ErrAuditKeyMissing
		}
		e.Seq++
		e.Time = tx.now()
		e.Hash = chainHash(chain, key, e)
		_, err = c.exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, chain)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, dbTime(e.Time), e.Actor, e.Action, e.Target, e.Detail, e.PrevHash, e.Hash, chain)
		if err != nil {
			return fmt.Errorf("append audit row: %w", err)
		}
		return nil
	})
	if err != nil {
		return vigil.AuditEntry{}, err
	}
	return e, nil
}

func newAuditEntry(actor, action, target string, detail any) (vigil.AuditEntry, error) {
	e := vigil.AuditEntry{Target: strings.TrimSpace(target)}
	var err error
	if e.Actor, err = vigil.Text("audit actor", actor, 254, true); err != nil {
		return e, err
	}
	if e.Action, err = vigil.Text("audit action", action, 100, true); err != nil {
		return e, err
	}
	if detail != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(detail); err != nil {
			return e, fmt.Errorf("audit detail: %w", err)
		}
		e.Detail = strings.TrimSuffix(buf.String(), "\n")
	}
	if len(e.Detail) > maxAuditDetail {
		return e, vigil.Errorf(vigil.EINVALID, "audit detail is larger than %d bytes", maxAuditDetail)
	}
	return e, nil
}

// auditHash returns hex(SHA-256(PrevHash || canonical)), the hash of a plain row (chain
// 0, written before the chain was keyed), where PrevHash is the previous row's hash as
// its 64 hex characters (nothing for the first row) and canonical is the JSON array
// [seq, time, actor, action, target, detail]: seq a number; time in RFC 3339 with
// nanoseconds, UTC, trailing zeros of the fraction dropped (Go's RFC3339Nano, e.g.
// "2025-03-14T09:26:53.589793Z"; stored times have microsecond precision); the rest
// strings, detail being the compact JSON text as stored. Strings are escaped as Go's
// encoding/json does with HTML escaping off, and no newline follows the array.
func auditHash(e vigil.AuditEntry) string {
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(canonicalAudit(e))
	return hex.EncodeToString(h.Sum(nil))
}

// keyedAuditHash returns hex(HMAC-SHA256(key, PrevHash || canonical)), the hash of a
// keyed row (chain 1), with PrevHash and canonical as for auditHash and key the audit
// key SetAuditKey derives.
func keyedAuditHash(key []byte, e vigil.AuditEntry) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(e.PrevHash))
	h.Write(canonicalAudit(e))
	return hex.EncodeToString(h.Sum(nil))
}

// chainHash returns the hash of e as chain makes it.
func chainHash(chain int, key []byte, e vigil.AuditEntry) string {
	if chain == chainKeyed {
		return keyedAuditHash(key, e)
	}
	return auditHash(e)
}

// canonicalAudit returns the JSON array the hashes cover (see auditHash).
func canonicalAudit(e vigil.AuditEntry) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode([]any{e.Seq, e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Target, e.Detail})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// AuditMark is a head of the audit chain kept outside the database: row Seq had hash
// Hash when it was recorded.
type AuditMark struct {
	// Seq is the row's sequence number, from 1.
	Seq int64
	// Hash is the row's hash, 64 hex digits.
	Hash string
}

// VerifyAudit recomputes the audit chain from the first row. It returns how many rows
// there are and, when the chain does not hold, the seq of the first bad row and an error
// wrapping ErrAuditBroken that says what is wrong: a row whose content no longer matches
// its hash, a row rewritten with a fresh hash (caught by the next row's prev_hash), a
// plain row after a keyed one, or a missing row (a gap in seq; firstBad is then the first
// missing seq). Rewriting keyed rows takes the audit key; deleting the newest rows (or
// all of them) leaves a valid shorter chain, which only a head kept elsewhere shows:
// each of heads must be in the chain, with the same hash. With an audit key set, a log
// whose rows are all plain is broken too (rewritten without the key). A keyed row
// without an audit key is an error that does not wrap ErrAuditBroken.
func (s *Store) VerifyAudit(ctx context.Context, heads ...AuditMark) (rows int64, firstBad int64, err error) {
	key := s.auditKey()
	rs, err := s.rdb().query(ctx, `SELECT seq, at, actor, action, target, detail, prev_hash, hash, chain FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("verify audit: %w", err)
	}
	defer rs.Close()
	var prev auditRow
	var broken error
	var keyed bool
	marks := map[int64]string{} // the hashes of the rows heads name
	for _, h := range heads {
		marks[h.Seq] = ""
	}
	for rs.Next() {
		r, err := scanAuditRow(rs)
		if err != nil {
			return rows, firstBad, fmt.Errorf("verify audit: %w", err)
		}
		if r.chain == chainKeyed && key == nil {
			return rows, 0, ErrAuditKeyMissing
		}
		rows++
		keyed = keyed || r.chain == chainKeyed
		if broken == nil {
			firstBad, broken = checkLink(key, prev, r)
		}
		if _, ok := marks[r.Seq]; ok {
			marks[r.Seq] = r.Hash
		}
		prev = r
	}
	if err := rs.Err(); err != nil {
		return rows, firstBad, fmt.Errorf("verify audit: %w", err)
	}
	if broken != nil {
		return rows, firstBad, broken
	}
	if key != nil && rows > 0 && !keyed {
		return rows, 1, fmt.Errorf("%w: no row is keyed with the server secret: the log was rewritten with plain hashes, or no server with the secret has written to it yet", ErrAuditBroken)
	}
	firstBad, err = checkHeads(prev.Seq, marks, heads)
	return rows, firstBad, err
}

// checkHeads checks that the chain, whose newest row is last and whose hashes of the
// rows heads name are in hashes ("" for a row it lacks), holds every head kept elsewhere.
func checkHeads(last int64, hashes map[int64]string, heads []AuditMark) (int64, error) {
	for _, h := range heads {
		got := hashes[h.Seq]
		switch {
		case h.Seq < 1:
			return 0, vigil.Errorf(vigil.EINVALID, "an audit head is SEQ:HASH with SEQ from 1, not %d", h.Seq)
		case h.Seq > last:
			return last + 1, fmt.Errorf("%w: the log ends at row %d, but row %d was recorded as its head: rows %d to %d were cut from the end", ErrAuditBroken, last, h.Seq, last+1, h.Seq)
		case got != h.Hash:
			return h.Seq, fmt.Errorf("%w: row %d's hash is not the one recorded as the head (%s): the log up to row %d was rewritten or replaced", ErrAuditBroken, h.Seq, h.Hash, h.Seq)
		}
	}
	return 0, nil
}

// checkLink checks row e against the row before it (zero for the first row), which has
// passed. A row whose hash does not match its content was altered; a row that is intact
// but whose prev_hash is not the previous row's hash shows that the previous row was
// rewritten together with its hash.
func checkLink(key []byte, prev, e auditRow) (int64, error) {
	switch {
	case e.Seq != prev.Seq+1:
		return prev.Seq + 1, fmt.Errorf("%w: row %d is missing (row %d follows row %d)", ErrAuditBroken, prev.Seq+1, e.Seq, prev.Seq)
	case e.chain != chainPlain && e.chain != chainKeyed:
		return e.Seq, fmt.Errorf("%w: row %d was altered: its chain version %d is unknown", ErrAuditBroken, e.Seq, e.chain)
	case e.chain == chainPlain && prev.chain == chainKeyed:
		return e.Seq, fmt.Errorf("%w: row %d has a plain hash after keyed rows: it was rewritten without the server secret", ErrAuditBroken, e.Seq)
	case chainHash(e.chain, key, e.AuditEntry) != e.Hash:
		return e.Seq, fmt.Errorf("%w: row %d was altered: its hash does not match its content", ErrAuditBroken, e.Seq)
	case e.PrevHash != prev.Hash && prev.Seq == 0:
		return e.Seq, fmt.Errorf("%w: row 1 was altered: it names a previous row", ErrAuditBroken)
	case e.PrevHash != prev.Hash:
		return prev.Seq, fmt.Errorf("%w: row %d was rewritten: its hash is not the one row %d recorded", ErrAuditBroken, prev.Seq, e.Seq)
	}
	return 0, nil
}

// auditRow is a row of the audit log with the version of its chain.
type auditRow struct {
	vigil.AuditEntry
	chain int
}

func scanAuditRow(sc scanner) (auditRow, error) {
	var r auditRow
	err := sc.Scan(&r.Seq, scanTime(&r.Time), &r.Actor, &r.Action, &r.Target, &r.Detail, &r.PrevHash, &r.Hash, &r.chain)
	return r, err
}

func scanAudit(sc scanner) (vigil.AuditEntry, error) {
	var e vigil.AuditEntry
	err := sc.Scan(&e.Seq, scanTime(&e.Time), &e.Actor, &e.Action, &e.Target, &e.Detail, &e.PrevHash, &e.Hash)
	return e, err
}

// AuditHead returns the newest row's seq and hash (0 and "" for an empty log). Record
// it outside the database now and then (the server's head file and log, a ticket): a
// later VerifyAudit given it fails if rows were cut from the end or rewritten.
func (s *Store) AuditHead(ctx context.Context) (seq int64, hash string, err error) {
	err = s.rdb().row(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return seq, hash, nil
}

// auditOrders are the orders of the audit log (vigil.AuditSort).
var auditOrders = sortedList[vigil.AuditSort, vigil.AuditEntry]{kind: "audit", tie: "seq", tieArg: idArg, tieKey: auditSeq,
	orders: map[vigil.AuditSort]keyOrder[vigil.AuditEntry]{
		vigil.AuditByNewest: {col: "seq", key: auditSeq, arg: idArg},
		vigil.AuditByOldest: {col: "seq", keyAsc: true, key: auditSeq, arg: idArg},
	}}

func auditSeq(e vigil.AuditEntry) string { return idText(e.Seq) }

// ListAudit returns audit rows in f.Sort's order (newest first unless asked), and the
// cursor of the next page.
func (s *Store) ListAudit(ctx context.Context, f vigil.AuditFilter) ([]vigil.AuditEntry, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	var w where
	if err := auditOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Actor != "", "actor = ?", f.Actor)
	w.add(f.Action != "", "action = ?", f.Action)
	w.add(f.Target != "", "target = ?", f.Target)
	w.add(!f.Since.IsZero(), "at >= ?", dbTime(f.Since))
	limit := vigil.PageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log`+
		w.String()+auditOrders.orderBy(sort)+` LIMIT ?`, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []vigil.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list audit: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list audit: %w", err)
	}
	out, next := auditOrders.page(sort, out, limit)
	return out, next, nil
}

// AuditHashAt returns row seq's hash, "" when the log has no such row.
func (s *Store) AuditHashAt(ctx context.Context, seq int64) (string, error) {
	var hash string
	err := s.rdb().row(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, seq).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("audit row %d: %w", seq, err)
	}
	return hash, nil
}

// AuditRecord is one entry for AuditAll: who did what to what, with its detail.
type AuditRecord struct {
	// Actor, Action and Target are as Audit takes them.
	Actor, Action, Target string
	// Detail is marshalled to compact JSON (nil for none).
	Detail any
}

// AuditAll appends many rows to the audit log, in order, as Audit does each: one lock,
// one read of the head and multi-row inserts, the chain worked out in between. A bulk
// change (an import) records each thing it did without a round trip per entry.
func (s *Store) AuditAll(ctx context.Context, recs []AuditRecord) error {
	es := make([]vigil.AuditEntry, len(recs))
	for i, r := range recs {
		e, err := newAuditEntry(r.Actor, r.Action, r.Target, r.Detail)
		if err != nil {
			return err
		}
		es[i] = e
	}
	if len(es) == 0 {
		return nil
	}
	key := s.auditKey()
	return s.inTx(ctx, func(tx *Store, c conn) error {
		if err := tx.chainAll(ctx, c, key, es); err != nil {
			return err
		}
		for part := range slices.Chunk(es, writeRows) {
			args := make([]any, 0, 9*len(part))
			for _, e := range part {
				args = append(args, e.Seq, dbTime(e.Time), e.Actor, e.Action, e.Target, e.Detail, e.PrevHash, e.Hash, chainOf(key))
			}
			_, err := c.exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash, chain)
				VALUES `+valuesList(len(part), 9), args...)
			if err != nil {
				return fmt.Errorf("append audit rows: %w", err)
			}
		}
		return nil
	})
}

// chainAll locks the log, reads its head and links es after it.
func (s *Store) chainAll(ctx context.Context, c conn, key []byte, es []vigil.AuditEntry) error {
	if s.isPG() {
		if _, err := c.exec(ctx, `LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock audit log: %w", err)
		}
	}
	var seq int64
	var prev string
	var headChain int
	err := c.row(ctx, `SELECT seq, hash, chain FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev, &headChain)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read audit head: %w", err)
	}
	if key == nil && headChain != chainPlain {
		return ErrAuditKeyMissing
	}
	now := s.now()
	for i := range es {
		seq++
		es[i].Seq, es[i].PrevHash, es[i].Time = seq, prev, now
		es[i].Hash = chainHash(chainOf(key), key, es[i])
		prev = es[i].Hash
	}
	return nil
}

// chainOf is the chain rows appended with key belong to.
func chainOf(key []byte) int {
	if key != nil {
		return chainKeyed
	}
	return chainPlain
}
