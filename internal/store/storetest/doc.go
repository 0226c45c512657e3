// Package storetest opens real stores for tests: SQLite in a temporary directory, and
// PostgreSQL in a fresh schema of the database named by VIGIL_TEST_POSTGRES (for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable). Each runs a test on both.
//
// When VIGIL_TEST_POSTGRES is unset the PostgreSQL half skips with a message, except
// under CI=true, where it fails: CI must test both engines. Every PostgreSQL store gets a
// schema of its own with a random name (search_path set in the DSN), dropped when the
// test ends, so tests are isolated and may run in parallel.
package storetest
