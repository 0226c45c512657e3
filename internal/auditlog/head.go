package auditlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// HeadFile is the name of the head file in the data dir.
const HeadFile = "audit-head"

// HeadPath returns where the server keeps the head file in dataDir.
func HeadPath(dataDir string) string { return filepath.Join(dataDir, HeadFile) }

// Head is a head of the audit chain recorded outside the database: row Seq had hash
// Hash at Time. A copy of the log that lacks it, or holds another hash at Seq, was cut or
// rewritten.
type Head struct {
	// Seq is the newest row's sequence number.
	Seq int64
	// Hash is its hash, 64 hex digits.
	Hash string
	// Time is when the head was recorded; zero when not known.
	Time time.Time
}

// String returns the head as SEQ:HASH, the form `vigil audit verify --head` takes.
func (h Head) String() string { return strconv.FormatInt(h.Seq, 10) + ":" + h.Hash }

var headPattern = regexp.MustCompile(`^([1-9][0-9]{0,18}):([0-9a-f]{64})$`)

// ParseHead reads SEQ:HASH, as the head file's first field, the server's log and
// Head.String give it: SEQ from 1, HASH 64 lower-case hex digits.
func ParseHead(s string) (Head, error) {
	m := headPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Head{}, vigil.Errorf(vigil.EINVALID, "audit head %q is not SEQ:HASH (a row number from 1, a colon and the row's 64 hex digit hash, e.g. the first field of the server's %s file)", s, HeadFile)
	}
	seq, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return Head{}, vigil.Errorf(vigil.EINVALID, "audit head %q: the row number is too large", s)
	}
	return Head{Seq: seq, Hash: m[2]}, nil
}

// ReadHeadFile reads a head file: "SEQ:HASH TIME" on one line, TIME in RFC 3339. ok is
// false when there is no file.
func ReadHeadFile(path string) (h Head, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Head{}, false, nil
	}
	if err != nil {
		return Head{}, false, fmt.Errorf("read audit head: %w", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return Head{}, false, fmt.Errorf("read audit head: %s is empty", path)
	}
	if h, err = ParseHead(fields[0]); err != nil {
		return Head{}, false, fmt.Errorf("read audit head %s: %w", path, err)
	}
	if len(fields) > 1 {
		h.Time, _ = time.Parse(time.RFC3339, fields[1])
	}
	return h, true, nil
}

// WriteHeadFile replaces the head file at path with h, whole or not at all: it writes a
// temporary file beside it, syncs it and renames it into place.
func WriteHeadFile(path string, h Head) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("write audit head: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = fmt.Fprintf(f, "%s %s\n", h, h.Time.UTC().Format(time.RFC3339))
	if err = errors.Join(err, f.Chmod(0o600), f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("write audit head: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write audit head: %w", err)
	}
	return nil
}
