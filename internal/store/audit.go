package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// ErrAuditBroken is wrapped by VerifyAudit's error when the chain does not hold.
var ErrAuditBroken = errors.New("the audit log has been tampered with")

// maxAuditDetail bounds one row's detail.
const maxAuditDetail = 64 << 10

// Audit appends a row to the audit log: actor (an email, a token name or "system") did
// action (e.g. "org.create") to target (e.g. "RXA" or "alert/42"), with detail marshalled
// to compact JSON (nil for none; never put a secret in it). Appends are serialised so
// that the chain is one line: on SQLite by the single writer, on PostgreSQL by a lock on
// the table held to the end of the transaction. Call it on the *Store that Tx passes to
// record a change and its audit row atomically.
func (s *Store) Audit(ctx context.Context, actor, action, target string, detail any) (vigil.AuditEntry, error) {
	e, err := newAuditEntry(actor, action, target, detail)
	if err != nil {
		return e, err
	}
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		if s.isPG() {
			if _, err := c.exec(ctx, `LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock audit log: %w", err)
			}
		}
		err := c.row(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read audit head: %w", err)
		}
		e.Seq++
		e.Time = tx.now()
		e.Hash = auditHash(e)
		_, err = c.exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, dbTime(e.Time), e.Actor, e.Action, e.Target, e.Detail, e.PrevHash, e.Hash)
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

// auditHash returns hex(SHA-256(PrevHash || canonical)), where PrevHash is the previous
// row's hash as its 64 hex characters (nothing for the first row) and canonical is the
// JSON array [seq, time, actor, action, target, detail]: seq a number; time in RFC 3339
// with nanoseconds, UTC, trailing zeros of the fraction dropped (Go's RFC3339Nano, e.g.
// "2025-03-14T09:26:53.589793Z"; stored times have microsecond precision); the rest
// strings, detail being the compact JSON text as stored. Strings are escaped as Go's
// encoding/json does with HTML escaping off, and no newline follows the array.
func auditHash(e vigil.AuditEntry) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode([]any{e.Seq, e.Time.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Target, e.Detail})
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyAudit recomputes the audit chain from the first row. It returns how many rows
// there are and, when the chain does not hold, the seq of the first bad row and an error
// wrapping ErrAuditBroken that says what is wrong: a row whose content no longer matches
// its hash, a row rewritten with a fresh hash (caught by the next row's prev_hash), or a
// missing row (a gap in seq; firstBad is then the first missing seq). Deleting the newest rows leaves a
// valid shorter chain: compare AuditHead with a copy kept elsewhere to catch that.
func (s *Store) VerifyAudit(ctx context.Context) (rows int64, firstBad int64, err error) {
	rs, err := s.rdb().query(ctx, `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("verify audit: %w", err)
	}
	defer rs.Close()
	var prev vigil.AuditEntry
	var broken error
	for rs.Next() {
		e, err := scanAudit(rs)
		if err != nil {
			return rows, firstBad, fmt.Errorf("verify audit: %w", err)
		}
		rows++
		if broken == nil {
			firstBad, broken = checkLink(prev, e)
		}
		prev = e
	}
	if err := rs.Err(); err != nil {
		return rows, firstBad, fmt.Errorf("verify audit: %w", err)
	}
	return rows, firstBad, broken
}

// checkLink checks row e against the row before it (zero for the first row), which has
// passed. A row whose hash does not match its content was altered; a row that is intact
// but whose prev_hash is not the previous row's hash shows that the previous row was
// rewritten together with its hash.
func checkLink(prev, e vigil.AuditEntry) (int64, error) {
	switch {
	case e.Seq != prev.Seq+1:
		return prev.Seq + 1, fmt.Errorf("%w: row %d is missing (row %d follows row %d)", ErrAuditBroken, prev.Seq+1, e.Seq, prev.Seq)
	case auditHash(e) != e.Hash:
		return e.Seq, fmt.Errorf("%w: row %d was altered: its hash does not match its content", ErrAuditBroken, e.Seq)
	case e.PrevHash != prev.Hash && prev.Seq == 0:
		return e.Seq, fmt.Errorf("%w: row 1 was altered: it names a previous row", ErrAuditBroken)
	case e.PrevHash != prev.Hash:
		return prev.Seq, fmt.Errorf("%w: row %d was rewritten: its hash is not the one row %d recorded", ErrAuditBroken, prev.Seq, e.Seq)
	}
	return 0, nil
}

func scanAudit(sc scanner) (vigil.AuditEntry, error) {
	var e vigil.AuditEntry
	err := sc.Scan(&e.Seq, scanTime(&e.Time), &e.Actor, &e.Action, &e.Target, &e.Detail, &e.PrevHash, &e.Hash)
	return e, err
}

// AuditHead returns the newest row's seq and hash (0 and "" for an empty log). Record
// it outside the database now and then (a log line, a ticket): a later VerifyAudit
// that passes but ends before it means rows were cut from the end.
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

// ListAudit returns audit rows, newest first, and the cursor of the next page.
func (s *Store) ListAudit(ctx context.Context, f vigil.AuditFilter) ([]vigil.AuditEntry, string, error) {
	before, err := decodeIDCursor("audit", f.Cursor)
	if err != nil {
		return nil, "", err
	}
	var w where
	w.add(before > 0, "seq < ?", before)
	w.add(f.Actor != "", "actor = ?", f.Actor)
	w.add(f.Action != "", "action = ?", f.Action)
	w.add(f.Target != "", "target = ?", f.Target)
	limit := pageLimit(f.Limit)
	rows, err := s.rdb().query(ctx, `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log`+
		w.String()+` ORDER BY seq DESC LIMIT ?`, append(w.args, limit+1)...)
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
	out, next := page(out, limit, func(e vigil.AuditEntry) string { return strconv.FormatInt(e.Seq, 10) })
	return out, cursorOf("audit", next), nil
}
