package store

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"
)

// TestRawTextReadsWhatTheCAPIReads checks rawStmt's reads of the row's registers
// against SQLite's own column functions, on every kind of value a column can hold:
// NULL, empty and NUL-holding text, non-ASCII, and an integer, a real and a blob, which
// the registers do not hold as text (the C API converts them).
func TestRawTextReadsWhatTheCAPIReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raw.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (a, b, c, d, e, f, g, h);
		INSERT INTO t VALUES (NULL, '', 'a' || char(0) || 'b', 'ünïcode', 42, 4.5, x'00ff', -9007199254740993)`); err != nil {
		t.Fatal(err)
	}
	c, err := openRawSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	st, err := c.prepare(`SELECT a, b, c, d, e, f, g, h FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if ok, err := st.step(); !ok || err != nil {
		t.Fatalf("step: %v, %v", ok, err)
	}
	// the plain cases are read from the registers, not the C API
	if st.mem(0, sqlite3.MEM_Null) == nil || st.mem(2, sqlite3.MEM_Str) == nil || st.mem(4, sqlite3.MEM_Int) == nil {
		t.Fatal("NULL, text or an integer not read from the row's registers")
	}
	for _, i := range []int{4, 7} { // before text converts them
		if got, want := st.int64(i), sqlite3.Xsqlite3_column_int64(c.tls, st.p, int32(i)); got != want {
			t.Errorf("int64(%d) = %d, the C API says %d", i, got, want)
		}
	}
	for i := range 8 {
		got := bytes.Clone(st.text(i))
		if want := st.textAPI(i); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("text(%d) = %q (nil: %t), the C API says %q (nil: %t)", i, got, got == nil, want, want == nil)
		}
	}
	if st.mem(8, sqlite3.MEM_Str) != nil {
		t.Error("a column past the row's has a register")
	}
}
