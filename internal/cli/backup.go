package cli

import (
	"fmt"

	"github.com/vigil-health/vigil/internal/store"
)

type backupCmd struct {
	serverFlags
	File string `arg:"" help:"Where to write the backup (a SQLite database file)."`
}

func (c *backupCmd) Run(e *env) error {
	_, s, err := c.open(e.ctx, quietLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(e.ctx, c.File); err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "backup written to %s\n", c.File)
	return nil
}

type restoreCmd struct {
	serverFlags
	File string `arg:"" type:"existingfile" help:"A backup made by 'vigil backup'. Stop the server first."`
}

func (c *restoreCmd) Run(e *env) error {
	cfg, err := c.load()
	if err != nil {
		return err
	}
	if cfg.DB != "" {
		return usageErrorf("vigil restore works on the SQLite store; for PostgreSQL use pg_restore (see 'vigil backup --help')")
	}
	secret, _, err := cfg.LoadSecret() // the restore's audit entry is keyed like the rest
	if err != nil {
		return err
	}
	prev, err := store.Restore(e.ctx, cfg.DataDir, c.File, secret)
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "restored %s into %s\n", c.File, cfg.DataDir)
	if prev != "" {
		fmt.Fprintf(e.stdout, "the previous database was kept as %s\n", prev)
	}
	return nil
}
