package cli

import (
	"fmt"

	"github.com/vigil-health/vigil"
)

type auditCmd struct {
	Verify auditVerifyCmd `cmd:"" help:"Recompute the audit log's hash chain; exit 1 naming the first row that was altered or removed."`
}

type auditVerifyCmd struct {
	serverFlags
}

func (c *auditVerifyCmd) Run(e *env) error {
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	v, err := a.Audit.Verify(e.ctx, vigil.CommandLine)
	if err != nil {
		return err
	}
	if !v.OK {
		return &exitError{code: ExitFailure, err: fmt.Errorf("audit log broken at row %d of %d: %s", v.FirstBad, v.Rows, v.Problem)}
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d rows\n", v.Rows)
	return nil
}
