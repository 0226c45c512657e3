package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSQLiteInsertFloor is the floor under an intel import on SQLite: 200,000 new
// (type, value) pairs written as an import batch writes them (10,000 a transaction,
// multi-row INSERTs into a temporary table, then one INSERT OR IGNORE … SELECT), into a
// bare table ("rowid"), one with the unique (type, value) index alone ("unique"), and
// one with the four indexes the indicators table has ("indicators"). The gap between
// them is what each index costs the pure-Go SQLite per row; BenchmarkSourceImport does
// the whole import. Report: rows/s, and the process's CPU time per row.
func BenchmarkSQLiteInsertFloor(b *testing.B) {
	const n, batch, per = 200_000, 10_000, 1000
	tables := []struct{ name, ddl string }{
		{"rowid", `CREATE TABLE t (id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL) STRICT`},
		{"unique", `CREATE TABLE t (id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (type, value)) STRICT`},
		{"indicators", `CREATE TABLE t (id INTEGER PRIMARY KEY, type TEXT NOT NULL, value TEXT NOT NULL, last_sighted TEXT,
			UNIQUE (type, value)) STRICT;
			CREATE INDEX t_value ON t (value, id); CREATE INDEX t_type ON t (type, id);
			CREATE INDEX t_last_sighted ON t ((COALESCE(last_sighted, '0001-01-01T00:00:00.000000Z')), id)`},
	}
	for _, tb := range tables {
		b.Run(tb.name, func(b *testing.B) {
			ctx := b.Context()
			db, err := openSQLiteDB(ctx, filepath.Join(b.TempDir(), "floor.db"), sqliteWriterParams, 1)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(ctx, tb.ddl); err != nil {
				b.Fatal(err)
			}
			next, cpu := 0, ProcessCPU()
			for b.Loop() {
				for range n / batch {
					if err := floorBatch(ctx, db, next, batch, per); err != nil {
						b.Fatal(err)
					}
					next += batch
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(ProcessCPU()-cpu)/1e3/float64(n*b.N), "cpu-µs/row")
		})
	}
}

// floorBatch writes pairs first to first+n in one transaction.
func floorBatch(ctx context.Context, db *sql.DB, first, n, per int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS floor_batch (type TEXT, value TEXT)`); err != nil {
		return err
	}
	q := `INSERT INTO floor_batch VALUES ` + valuesList(per, 2)
	for start := 0; start < n; start += per {
		args := make([]any, 0, 2*per)
		for i := first + start; i < first+start+per; i++ {
			t, v := floorPair(i)
			args = append(args, t, v)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO t (type, value) SELECT type, value FROM floor_batch
		ORDER BY type, value`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM floor_batch`); err != nil {
		return err
	}
	return tx.Commit()
}

// floorPair is the i-th value of a feed of addresses, domains and hashes, hashes spread
// over the index as real ones are.
func floorPair(i int) (string, string) {
	switch i % 3 {
	case 0:
		return "ipv4", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	case 1:
		return "domain", fmt.Sprintf("host%d.evil.example", i)
	default:
		return "sha256", fmt.Sprintf("%x", sha256.Sum256(binary.AppendUvarint(nil, uint64(i))))
	}
}
