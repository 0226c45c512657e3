package api

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
)

type auditListIn struct {
	Actor  string          `query:"actor" maxLength:"254" doc:"Only rows by this actor."`
	Action string          `query:"action" maxLength:"100" doc:"Only rows with this action, e.g. user.login_failed."`
	Target string          `query:"target" maxLength:"200" doc:"Only rows about this target, e.g. RXA or alert/42."`
	Since  time.Time       `query:"since" doc:"Only rows written at or after this time (RFC 3339)."`
	Sort   vigil.AuditSort `query:"sort" enum:"newest,oldest" doc:"The order: newest first (the default) or oldest first. A cursor continues only the order it came from."`
	PageParams
}

// auditList reads the audit log, newest first unless asked otherwise.
func (a *API) auditList(ctx context.Context, in *auditListIn) (*pageOut[AuditEntry], error) {
	f := vigil.AuditFilter{Actor: in.Actor, Action: in.Action, Target: in.Target, Since: in.Since, Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit}
	es, next, err := a.app.Audit.List(ctx, principal(ctx), f)
	if err != nil {
		return nil, err
	}
	return newPage(mapSlice(es, auditOut), next), nil
}
