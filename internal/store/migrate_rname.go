package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// reversedNamesVersion is the schema version of migrateReversedNames.
const reversedNamesVersion = 9

// migrateReversedNames is migration 9, in Go because it computes values: a column holding
// each domain and hostname with its labels reversed ("example.trust." for trust.example),
// indexed, so that "which names lie under this domain?" is an index range instead of a
// LIKE '%.domain' that reads every asset (which made organisation import quadratic).
func (s *Store) migrateReversedNames() *goose.Migration {
	up := func(ctx context.Context, tx *sql.Tx) error {
		for _, q := range []string{`ALTER TABLE assets ADD COLUMN rname TEXT`,
			`CREATE INDEX assets_rname ON assets (rname) WHERE rname IS NOT NULL`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, value FROM assets WHERE kind IN ('domain', 'hostname')`)
		if err != nil {
			return err
		}
		type named struct {
			id    int64
			value string
		}
		var all []named
		for rows.Next() {
			var n named
			if err := rows.Scan(&n.id, &n.value); err != nil {
				rows.Close()
				return err
			}
			all = append(all, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, n := range all {
			if _, err := tx.ExecContext(ctx, s.bind(`UPDATE assets SET rname = ? WHERE id = ?`), reverseLabels(n.value), n.id); err != nil {
				return fmt.Errorf("asset %d: %w", n.id, err)
			}
		}
		return nil
	}
	down := func(ctx context.Context, tx *sql.Tx) error {
		for _, q := range []string{`DROP INDEX assets_rname`, `ALTER TABLE assets DROP COLUMN rname`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	return goose.NewGoMigration(reversedNamesVersion, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}

// reverseLabels writes a name's labels last first, each followed by a dot:
// "a.trust.example" → "example.trust.a.". Every name under d then starts with
// reverseLabels(d), and sorts between it and the same string with its final '.' → '/'.
func reverseLabels(name string) string {
	labels := strings.Split(name, ".")
	var b strings.Builder
	b.Grow(len(name) + 1)
	for i := len(labels) - 1; i >= 0; i-- {
		b.WriteString(labels[i])
		b.WriteByte('.')
	}
	return b.String()
}
