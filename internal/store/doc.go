// Package store is vigil's database: one concrete *Store over SQLite (the default, a file
// in the data directory) or PostgreSQL (for scale-out). It holds organisations and their
// assets (IP ranges, domains, host names), supplier links and flagged overlapping claims;
// users, sessions, API tokens and failed logins; alerts; and the hash-chained audit log.
//
// # Engines
//
// [Open] picks the engine from [Config.DSN]: empty means DataDir/vigil.db, "sqlite:PATH"
// a file elsewhere, "postgres://…" a PostgreSQL database (query parameters pgx does not
// know, such as search_path, are sent to the server as session settings).
//
// SQLite (modernc.org/sqlite, pure Go) runs in WAL mode with busy_timeout 5 s, foreign
// keys on and synchronous=NORMAL (a power cut may lose the last commits, never corrupts
// the file). SQLite allows one writer at a time, so the store keeps one writer connection,
// whose transactions begin IMMEDIATE, and a pool of query-only readers that WAL lets run
// alongside it. The file is created readable by its owner only: it holds password hashes.
// Other processes (a CLI command while the server runs) may open the same file; they wait
// up to the busy timeout for the write lock.
//
// PostgreSQL is reached through pgx's database/sql driver, so both engines share one code
// path. SQL is written once with ? placeholders, rewritten to $1, $2… for PostgreSQL;
// upserts use INSERT … ON CONFLICT and RETURNING, which both engines speak. Where they
// differ (row and table locks, column types) the difference is confined to a few lines.
//
// # Migrations
//
// Migrations are embedded per engine under migrations/sqlite and migrations/postgres
// (NNNNN_name.sql, goose annotations; every version exists in both directories) and are
// applied by Open and by [Store.Migrate] (`vigil migrate`). goose records them in the
// table vigil_migrations. On PostgreSQL concurrent migrators are serialised by an
// advisory lock derived from the schema name. A database migrated by a newer vigil is
// refused rather than used.
//
// Times are stored in UTC with microsecond precision: TIMESTAMPTZ on PostgreSQL, and on
// SQLite fixed-width text (2006-01-02T15:04:05.000000Z) that sorts as it reads. Values
// such as kinds, roles and statuses are checked in Go, not by CHECK constraints, so that
// adding one needs no table rebuild on SQLite.
//
// # Errors
//
// Errors a person can act on carry a vigil error code and a message that says what to
// do: invalid input ([vigil.EINVALID]), no such thing ([vigil.ENOTFOUND]), a clash with
// what exists, such as a second organisation with the same ODS code or resolving a
// resolved alert ([vigil.ECONFLICT]), a failed sign-in or a bad session or token
// ([vigil.EUNAUTHORIZED]), and a disabled account ([vigil.EFORBIDDEN]). Every other
// error is a fault (vigil.ErrorCode gives [vigil.EINTERNAL]) and is wrapped with what the
// store was doing.
//
// # Concurrency
//
// A *Store is safe for concurrent use by many goroutines. The *Store that [Store.Tx]
// passes to its function is bound to one transaction: use it from that function's
// goroutine only and not after the function returns. Inside the function use only that
// *Store: on SQLite the transaction holds the single writer, so a write through the outer
// *Store would wait for it forever. Two writes that must not interleave are serialised
// by the database, not by Go locks: SQLite's single writer, and on PostgreSQL a table
// lock held to the end of the transaction for audit appends (so the chain is one line)
// and for asset changes (so that two organisations claiming overlapping ranges at the
// same moment still see each other), and a row lock when folding a repeated alert.
//
// # Tenancy and audit
//
// The store does not know who is asking. Callers decide what a principal may see and
// pass the organisation as a filter ([AlertFilter.Org], [OverlapFilter.Org],
// [TokenFilter.Org]); every query given an organisation filter applies it.
//
// State-changing methods do not write audit rows themselves, because they do not know
// the actor. The API layer calls [Store.Audit], on the *Store passed by [Store.Tx] when
// the change and its audit row must commit together. Each audit row carries the hash of
// the row before it, keyed with HMAC-SHA256 from the server secret ([Store.SetAuditKey];
// see [Store.VerifyAudit] for what is detected, and the unexported auditHash for the
// canonical encoding); triggers refuse UPDATE, DELETE and TRUNCATE on the table, and the
// chain still catches whoever drops them without the secret. Cutting rows off the end
// leaves a valid shorter chain: keep [Store.AuditHead] somewhere else and pass it to
// VerifyAudit to catch that (docs/audit.md).
//
// # Backup and restore
//
// On SQLite, [Store.Backup] writes a consistent copy while the server runs (VACUUM
// INTO), and [Restore] puts a checked backup in place of DataDir/vigil.db, keeping the
// old file beside it. Restore must run while no server uses the data directory.
//
// On PostgreSQL use the PostgreSQL tools; Backup says so. With the server running:
//
//	pg_dump --format=custom --file=vigil.dump 'postgres://vigil@db.example/vigil'
//
// and to restore, with the vigil servers stopped:
//
//	pg_restore --clean --if-exists --no-owner --dbname='postgres://vigil@db.example/vigil' vigil.dump
//
// then start vigil (or run `vigil migrate`) to apply any newer migrations. When vigil's
// tables live in their own schema (search_path in the DSN), add --schema=NAME to pg_dump.
//
// # Housekeeping
//
// Call [Store.PurgeExpired] (expired sessions, old failed logins) and [Store.Optimize]
// (SQLite planner statistics) now and then, hourly say.
package store
