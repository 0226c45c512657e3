package cli

import (
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/auditlog"
)

type auditCmd struct {
	Verify auditVerifyCmd `cmd:"" help:"Recompute the audit log's hash chain; exit 1 naming the first row that was altered or removed, or a head it lacks."`
}

type auditVerifyCmd struct {
	serverFlags
	Head []string `placeholder:"SEQ:HASH" help:"A head recorded earlier outside the database (the first field of the data dir's audit-head file, or an 'audit head' log line's head=); the log must still hold it. Repeatable."`
}

func (c *auditVerifyCmd) Run(e *env) error {
	heads := make([]auditlog.Head, len(c.Head))
	for i, h := range c.Head {
		var err error
		if heads[i], err = auditlog.ParseHead(h); err != nil {
			return usageErrorf("--head: %s", vigil.ErrorMessage(err))
		}
	}
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	v, err := a.Audit.Verify(e.ctx, vigil.CommandLine, heads...)
	if err != nil {
		return err
	}
	if !v.OK {
		return &exitError{code: ExitFailure, err: fmt.Errorf("audit log broken at row %d of %d: %s", v.FirstBad, v.Rows, v.Problem)}
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d rows, head %d:%s\n", v.Rows, v.HeadSeq, v.HeadHash)
	if len(heads) > 0 {
		fmt.Fprintf(e.stdout, "it holds the %d head(s) given\n", len(heads))
	}
	return nil
}
