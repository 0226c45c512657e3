package cli

import "fmt"

type auditCmd struct {
	Verify auditVerifyCmd `cmd:"" help:"Recompute the audit log's hash chain; exit 1 naming the first row that was altered or removed."`
}

type auditVerifyCmd struct {
	serverFlags
}

func (c *auditVerifyCmd) Run(e *env) error {
	_, s, err := c.open(e.ctx, quietLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	rows, bad, err := s.VerifyAudit(e.ctx)
	if err != nil && bad == 0 {
		return err
	}
	if bad != 0 {
		return &exitError{code: ExitFailure, err: fmt.Errorf("audit log broken at row %d of %d: %v", bad, rows, err)}
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d rows\n", rows)
	return nil
}
