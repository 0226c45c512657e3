package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// rawSQLite is a connection to the store's SQLite file through SQLite's own C API: the
// same engine (modernc.org/sqlite/lib) that the database/sql driver wraps, without the
// driver's cost per column of each row (several locked calls and a Go copy), which is
// most of what a matcher rebuild's read of every claim costs
// (docs/adr/0006-rebuild-reads-sqlite-directly.md). It only reads (query_only), serves
// one goroutine at a time (it is opened without SQLite's own mutex), and hands column
// text over as views of SQLite's memory, valid until the statement steps again.
type rawSQLite struct {
	tls *libc.TLS
	db  uintptr
}

// openRawSQLite opens the store's database file, which must exist, for reading.
func openRawSQLite(path string) (_ *rawSQLite, err error) {
	c := &rawSQLite{tls: libc.NewTLS()}
	defer func() {
		if err != nil {
			c.close()
		}
	}()
	name, err := libc.CString(path)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, name)
	out := c.tls.Alloc(ptrSize)
	defer c.tls.Free(ptrSize)
	rc := sqlite3.Xsqlite3_open_v2(c.tls, name, out, sqlite3.SQLITE_OPEN_READWRITE|sqlite3.SQLITE_OPEN_NOMUTEX, 0)
	c.db = readPtr(out)
	if rc != sqlite3.SQLITE_OK {
		return nil, c.errorf("open %s", path)
	}
	// As the driver's connections: wait for a lock rather than fail, and never write.
	sqlite3.Xsqlite3_busy_timeout(c.tls, c.db, 5000)
	if err := c.exec("PRAGMA query_only = 1"); err != nil {
		return nil, err
	}
	return c, nil
}

// ptrSize is the size of a C pointer, which the C API writes its handles into.
const ptrSize = int(unsafe.Sizeof(uintptr(0)))

// readPtr reads the pointer the C API wrote at p.
func readPtr(p uintptr) uintptr {
	b := libc.GoBytes(p, ptrSize)
	if ptrSize == 4 {
		return uintptr(binary.NativeEndian.Uint32(b))
	}
	return uintptr(binary.NativeEndian.Uint64(b))
}

// errorf is an error naming what failed and SQLite's message for it.
func (c *rawSQLite) errorf(format string, args ...any) error {
	msg := "out of memory"
	if c.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf(format+": %s", append(args, msg)...)
}

// exec runs statements that return no rows.
func (c *rawSQLite) exec(q string) error {
	z, err := libc.CString(q)
	if err != nil {
		return err
	}
	defer libc.Xfree(c.tls, z)
	if sqlite3.Xsqlite3_exec(c.tls, c.db, z, 0, 0, 0) != sqlite3.SQLITE_OK {
		return c.errorf("%s", q)
	}
	return nil
}

// close closes the connection and what it holds.
func (c *rawSQLite) close() {
	if c.db != 0 {
		sqlite3.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

// rawStmt is a prepared statement of a rawSQLite.
type rawStmt struct {
	c   *rawSQLite
	p   uintptr
	row []sqlite3.TMem // the result row's registers, after a step that found a row
}

// prepare compiles q, to be run as often as needed: bind, then step, then reset.
func (c *rawSQLite) prepare(q string) (*rawStmt, error) {
	z, err := libc.CString(q)
	if err != nil {
		return nil, err
	}
	defer libc.Xfree(c.tls, z)
	out := c.tls.Alloc(ptrSize)
	defer c.tls.Free(ptrSize)
	if sqlite3.Xsqlite3_prepare_v2(c.tls, c.db, z, -1, out, 0) != sqlite3.SQLITE_OK {
		return nil, c.errorf("prepare")
	}
	return &rawStmt{c: c, p: readPtr(out)}, nil
}

// bind sets the i-th parameter (from 1) to v.
func (st *rawStmt) bind(i int, v int64) error {
	if sqlite3.Xsqlite3_bind_int64(st.c.tls, st.p, int32(i), v) != sqlite3.SQLITE_OK {
		return st.c.errorf("bind parameter %d", i)
	}
	return nil
}

// step moves to the next row, reporting false at the end.
func (st *rawStmt) step() (bool, error) {
	st.row = nil
	switch sqlite3.Xsqlite3_step(st.c.tls, st.p) {
	case sqlite3.SQLITE_ROW:
		st.viewRow()
		return true, nil
	case sqlite3.SQLITE_DONE:
		return false, nil
	}
	return false, st.c.errorf("read")
}

// viewRow points st.row at the registers of the row the statement is on: an array of
// SQLite's Mem structures (sqlite3_value), which the C API's column functions read
// (sqlite3_column_text is columnMem, pResultRow + i, then its checks). Reading the
// plain cases there directly spares two calls into the translated C a column, a sixth
// of the rebuild's read (docs/adr/0007-rebuild-reads-sqlite-registers.md).
func (st *rawStmt) viewRow() {
	vm := (*sqlite3.TVdbe)(cPointer(st.p))
	if vm.FpResultRow == 0 {
		return
	}
	st.row = unsafe.Slice((*sqlite3.TMem)(cPointer(vm.FpResultRow)), int(vm.FnResColumn))
}

// cPointer converts p, an address in SQLite's C memory (which the Go collector does
// not manage), to a pointer.
func cPointer(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// memTypes are the flags that say what a register holds.
const memTypes = sqlite3.MEM_Null | sqlite3.MEM_Str | sqlite3.MEM_Int | sqlite3.MEM_Real | sqlite3.MEM_Blob |
	sqlite3.MEM_IntReal | sqlite3.MEM_Zero

// mem returns register i of the row when it holds exactly one of the types flags
// names, or nil: the caller then asks the C API, which converts whatever it holds.
func (st *rawStmt) mem(i int, flags uint16) *sqlite3.TMem {
	if i >= len(st.row) {
		return nil
	}
	m := &st.row[i]
	if m.Fflags&memTypes != flags || (flags == sqlite3.MEM_Str && m.Fenc != sqlite3.SQLITE_UTF8) {
		return nil
	}
	return m
}

// reset makes the statement ready to run again (and lets go of its read transaction).
func (st *rawStmt) reset() {
	st.row = nil
	sqlite3.Xsqlite3_reset(st.c.tls, st.p)
}

// close finalizes the statement.
func (st *rawStmt) close() { sqlite3.Xsqlite3_finalize(st.c.tls, st.p) }

// int64 is column i of the row (from 0) as an integer.
func (st *rawStmt) int64(i int) int64 {
	if m := st.mem(i, sqlite3.MEM_Int); m != nil {
		return *(*int64)(unsafe.Pointer(&m.Fu))
	}
	return sqlite3.Xsqlite3_column_int64(st.c.tls, st.p, int32(i))
}

// text is column i of the row as text, nil for NULL: a view of SQLite's memory, valid
// until the statement steps, resets or closes.
func (st *rawStmt) text(i int) []byte {
	if m := st.mem(i, sqlite3.MEM_Null); m != nil {
		return nil
	}
	if m := st.mem(i, sqlite3.MEM_Str); m != nil {
		if m.Fn == 0 {
			return []byte{}
		}
		return libc.GoBytes(m.Fz, int(m.Fn))
	}
	return st.textAPI(i)
}

// textAPI is text through the C API, which converts a number or a blob to text.
func (st *rawStmt) textAPI(i int) []byte {
	p := sqlite3.Xsqlite3_column_text(st.c.tls, st.p, int32(i))
	if p == 0 {
		return nil
	}
	return libc.GoBytes(p, int(sqlite3.Xsqlite3_column_bytes(st.c.tls, st.p, int32(i))))
}

// rawRows steps a bound statement as a cursor (eachGroupedBy), giving up when ctx is done.
type rawRows struct {
	ctx context.Context
	st  *rawStmt
	n   int
	err error
}

func (r *rawRows) Next() bool {
	if r.n++; r.n%1024 == 0 {
		if r.err = r.ctx.Err(); r.err != nil {
			return false
		}
	}
	ok, err := r.st.step()
	if err != nil {
		r.err = err
	}
	return ok
}

func (r *rawRows) Err() error { return r.err }
