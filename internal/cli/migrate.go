package cli

import "fmt"

type migrateCmd struct {
	serverFlags
}

func (c *migrateCmd) Run(e *env) error {
	_, s, err := c.open(e.ctx, quietLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(e.ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database is up to date (%s)\n", s.Engine())
	return nil
}
