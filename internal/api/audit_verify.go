package api

import (
	"context"

	"github.com/vigil-health/vigil/internal/auditlog"
)

type auditVerifyIn struct {
	Head string `query:"head" maxLength:"90" doc:"A head recorded earlier outside the database, SEQ:HASH (the first field of the server's audit-head file, or head= of an 'audit head' log line): the log must still hold it, or ok is false."`
}

type auditVerifyOut struct {
	Body struct {
		OK       bool   `json:"ok" doc:"Whether every row is intact and in place."`
		Rows     int64  `json:"rows" doc:"How many rows the log has."`
		FirstBad int64  `json:"first_bad,omitempty" doc:"The first altered or missing row."`
		Problem  string `json:"problem,omitempty" doc:"What is wrong with it."`
		HeadSeq  int64  `json:"head_seq" doc:"The newest row: keep it (with head_hash) elsewhere to detect rows cut from the end."`
		HeadHash string `json:"head_hash,omitempty" doc:"The newest row's hash (HMAC-SHA256 keyed from the server secret)."`
	}
}

// auditVerify recomputes the audit chain and checks it holds the given head. A broken
// chain is a finding, not a failure of the request: it answers 200 with ok false and the
// first bad row.
func (a *API) auditVerify(ctx context.Context, in *auditVerifyIn) (*auditVerifyOut, error) {
	var heads []auditlog.Head
	if in.Head != "" {
		h, err := auditlog.ParseHead(in.Head)
		if err != nil {
			return nil, err
		}
		heads = append(heads, h)
	}
	v, err := a.app.Audit.Verify(ctx, principal(ctx), heads...)
	if err != nil {
		return nil, err
	}
	out := &auditVerifyOut{}
	b := &out.Body
	b.OK, b.Rows, b.FirstBad, b.Problem, b.HeadSeq, b.HeadHash = v.OK, v.Rows, v.FirstBad, v.Problem, v.HeadSeq, v.HeadHash
	return out, nil
}
