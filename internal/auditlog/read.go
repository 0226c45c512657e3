package auditlog

import (
	"context"
	"errors"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// List reads a page of the audit log, in f.Sort's order, and the cursor of the next page
// ("" on the last); only a sector_admin may.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.AuditFilter) ([]vigil.AuditEntry, string, error) {
	if err := p.Need(vigil.RoleSectorAdmin); err != nil {
		return nil, "", err
	}
	return s.store.ListAudit(ctx, f)
}

// Verification is what Verify found.
type Verification struct {
	// OK is true when every row is intact and in place.
	OK bool
	// Rows is how many rows the log has.
	Rows int64
	// FirstBad is the first altered or missing row; 0 when OK.
	FirstBad int64
	// Problem says what is wrong with FirstBad; empty when OK.
	Problem string
	// HeadSeq and HeadHash are the newest row's: kept elsewhere, they show rows cut
	// from the end, which leave a shorter chain that still holds.
	HeadSeq int64
	// HeadHash is the newest row's hash.
	HeadHash string
}

// Verify recomputes the audit log's hash chain and checks that it holds each of heads,
// recorded earlier outside the database (the head file, the server's log); only a
// sector_admin may. A broken chain, or one that lacks a head, is a finding (OK false),
// not an error.
func (s *Service) Verify(ctx context.Context, p vigil.Principal, heads ...Head) (Verification, error) {
	var v Verification
	if err := p.Need(vigil.RoleSectorAdmin); err != nil {
		return v, err
	}
	marks := make([]store.AuditMark, len(heads))
	for i, h := range heads {
		marks[i] = store.AuditMark{Seq: h.Seq, Hash: h.Hash}
	}
	rows, bad, err := s.store.VerifyAudit(ctx, marks...)
	switch {
	case errors.Is(err, store.ErrAuditBroken):
		v.FirstBad, v.Problem = bad, err.Error()
	case err != nil:
		return v, err
	default:
		v.OK = true
	}
	v.Rows = rows
	if v.HeadSeq, v.HeadHash, err = s.store.AuditHead(ctx); err != nil {
		return v, err
	}
	return v, nil
}
