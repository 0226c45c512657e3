package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// SetLSO links a provider to the Local Support Organisation that serves it, replacing
// any earlier one.
func (s *Store) SetLSO(ctx context.Context, provider, lso string) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		p, err := tx.GetOrg(ctx, provider)
		if err != nil {
			return err
		}
		l, err := tx.GetOrg(ctx, lso)
		switch {
		case err != nil:
			return err
		case l.Kind != vigil.OrgLSO:
			return vigil.Errorf(vigil.EINVALID, "%s is a %s, not a Local Support Organisation (kind lso)", l.ODSCode, l.Kind)
		case p.Kind == vigil.OrgLSO || p.Kind == vigil.OrgCentre:
			return vigil.Errorf(vigil.EINVALID, "%s is a %s: only providers are served by a Local Support Organisation", p.ODSCode, p.Kind)
		}
		_, err = c.exec(ctx, `INSERT INTO lso_links (provider, lso, created_at) VALUES (?, ?, ?)
			ON CONFLICT (provider) DO UPDATE SET lso = excluded.lso, created_at = excluded.created_at`,
			p.ODSCode, l.ODSCode, dbTime(tx.now()))
		if err != nil {
			return fmt.Errorf("link lso: %w", err)
		}
		return nil
	})
}

// ClearLSO removes a provider's link to its Local Support Organisation.
func (s *Store) ClearLSO(ctx context.Context, provider string) error {
	if _, err := s.wdb().exec(ctx, `DELETE FROM lso_links WHERE provider = ?`, provider); err != nil {
		return fmt.Errorf("unlink lso: %w", err)
	}
	return nil
}

// LSOOf returns the Local Support Organisation serving provider; false when none.
func (s *Store) LSOOf(ctx context.Context, provider string) (vigil.Org, bool, error) {
	var code string
	err := s.rdb().row(ctx, `SELECT lso FROM lso_links WHERE provider = ?`, provider).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Org{}, false, nil
	}
	if err != nil {
		return vigil.Org{}, false, fmt.Errorf("lso of %s: %w", provider, err)
	}
	o, err := s.GetOrg(ctx, code)
	return o, err == nil, err
}

// LSOProviders returns the providers a Local Support Organisation serves, by ODS code.
func (s *Store) LSOProviders(ctx context.Context, lso string) ([]vigil.Org, error) {
	return s.linked(ctx, `SELECT o.ods_code, o.name, o.kind, o.region, o.parent, o.contacts, o.created_at, o.updated_at
		FROM lso_links l JOIN orgs o ON o.ods_code = l.provider WHERE l.lso = ? ORDER BY o.ods_code`, lso)
}

const supportColumns = `id, org, lso, subject, body, context, context_text, status, created_by, created_at, first_reply_at, closed_at`

func scanSupport(sc scanner) (vigil.SupportRequest, error) {
	var r vigil.SupportRequest
	err := sc.Scan(&r.ID, &r.Org, &r.LSO, &r.Subject, &r.Body, &r.Context, &r.ContextText, &r.Status, &r.CreatedBy,
		scanTime(&r.CreatedAt), scanTime(&r.FirstReplyAt), scanTime(&r.ClosedAt))
	return r, err
}

// CreateSupportRequest stores a new request, open, and returns it with its number.
func (s *Store) CreateSupportRequest(ctx context.Context, r vigil.SupportRequest) (vigil.SupportRequest, error) {
	r.CreatedAt, r.Status = s.now(), vigil.SupportOpen
	rows, err := s.wdb().query(ctx, `INSERT INTO support_requests (org, lso, subject, body, context, context_text, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Org, r.LSO, r.Subject, r.Body, r.Context, r.ContextText,
		string(r.Status), r.CreatedBy, dbTime(r.CreatedAt))
	if err == nil {
		r.ID, err = scanOptionalID(rows)
	}
	if err != nil {
		return r, fmt.Errorf("create support request: %w", err)
	}
	return r, nil
}

// SupportRequest returns a request with its replies.
func (s *Store) SupportRequest(ctx context.Context, id int64) (vigil.SupportRequest, error) {
	r, err := scanSupport(s.rdb().row(ctx, `SELECT `+supportColumns+` FROM support_requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, SupportNotFound(id)
	}
	if err != nil {
		return r, fmt.Errorf("support request %d: %w", id, err)
	}
	rows, err := s.rdb().query(ctx, `SELECT author, from_lso, body, at FROM support_replies WHERE request = ? ORDER BY id`, id)
	if err != nil {
		return r, fmt.Errorf("support replies of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rp vigil.SupportReply
		if err := rows.Scan(&rp.Author, &rp.FromLSO, &rp.Body, scanTime(&rp.At)); err != nil {
			return r, fmt.Errorf("scan support reply: %w", err)
		}
		r.Replies = append(r.Replies, rp)
	}
	return r, rows.Err()
}

// SupportNotFound is the answer for a request that does not exist or is not the
// caller's to see.
func SupportNotFound(id int64) error {
	return vigil.Errorf(vigil.ENOTFOUND, "no support request %d: list yours with GET /api/v1/support-requests", id)
}

// SupportRequests returns the requests f selects, newest first.
func (s *Store) SupportRequests(ctx context.Context, f vigil.SupportFilter) ([]vigil.SupportRequest, error) {
	var w where
	w.add(f.Org != "", "org = ?", f.Org)
	w.add(f.LSO != "", "lso = ?", f.LSO)
	w.add(f.Status != "", "status = ?", string(f.Status))
	rows, err := s.rdb().query(ctx, `SELECT `+supportColumns+` FROM support_requests`+w.String()+` ORDER BY id DESC LIMIT ?`,
		append(w.args, vigil.PageLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("list support requests: %w", err)
	}
	defer rows.Close()
	var out []vigil.SupportRequest
	for rows.Next() {
		r, err := scanSupport(rows)
		if err != nil {
			return nil, fmt.Errorf("list support requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddSupportReply adds a reply. The support organisation's first reply records the
// response time and marks the request answered; the provider writing again reopens it.
func (s *Store) AddSupportReply(ctx context.Context, id int64, rp vigil.SupportReply) error {
	rp.At = s.now()
	if _, err := s.wdb().exec(ctx, `INSERT INTO support_replies (request, author, from_lso, body, at) VALUES (?, ?, ?, ?, ?)`,
		id, rp.Author, rp.FromLSO, rp.Body, dbTime(rp.At)); err != nil {
		return fmt.Errorf("add support reply: %w", err)
	}
	status := vigil.SupportOpen
	if rp.FromLSO {
		status = vigil.SupportAnswered
	}
	_, err := s.wdb().exec(ctx, `UPDATE support_requests SET status = ?, closed_at = NULL,
		first_reply_at = CASE WHEN ? AND first_reply_at IS NULL THEN ? ELSE first_reply_at END WHERE id = ?`,
		string(status), rp.FromLSO, dbTime(rp.At), id)
	if err != nil {
		return fmt.Errorf("add support reply: %w", err)
	}
	return nil
}

// CloseSupportRequest closes a request.
func (s *Store) CloseSupportRequest(ctx context.Context, id int64) error {
	_, err := s.wdb().exec(ctx, `UPDATE support_requests SET status = ?, closed_at = ? WHERE id = ?`,
		string(vigil.SupportClosed), dbTime(s.now()), id)
	if err != nil {
		return fmt.Errorf("close support request %d: %w", id, err)
	}
	return nil
}

// SupportResponseTimes returns, for each request asked in [from, to), how long its LSO
// took to reply first; a request not yet answered gives -1.
func (s *Store) SupportResponseTimes(ctx context.Context, from, to time.Time) ([]time.Duration, error) {
	rows, err := s.rdb().query(ctx, `SELECT created_at, first_reply_at FROM support_requests WHERE created_at >= ? AND created_at < ?`,
		dbTime(from), dbTime(to))
	if err != nil {
		return nil, fmt.Errorf("support response times: %w", err)
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var asked, replied time.Time
		if err := rows.Scan(scanTime(&asked), scanTime(&replied)); err != nil {
			return nil, fmt.Errorf("support response times: %w", err)
		}
		d := time.Duration(-1)
		if !replied.IsZero() {
			d = replied.Sub(asked)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
