package vuln

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LoadProblem is an advisory file that could not be read; the rest are kept.
type LoadProblem struct {
	// File is the file, or "zip!entry" for a record inside a zip.
	File string
	// Reason says what is wrong with it.
	Reason string
}

// String gives the problem as "file: reason".
func (p LoadProblem) String() string { return p.File + ": " + p.Reason }

// Load reads OSV records from path (see ReadAdvisories) and indexes them. A record that
// cannot be read is reported as a problem and skipped; err is only for a path that
// cannot be read at all.
func Load(path string) (*DB, []LoadProblem, error) {
	start := time.Now()
	advisories, problems, err := ReadAdvisories(path)
	if err != nil {
		return nil, nil, err
	}
	db := NewDB(advisories)
	db.loadTime = time.Since(start)
	return db, problems, nil
}

// ReadAdvisories reads OSV records from path: a .zip of records, osv-scanner's offline
// layout (<path>/osv-scalibr/<Ecosystem>/all.zip, or <path>/<Ecosystem>/all.zip), or a
// directory of .json records and .zip files, searched recursively.
func ReadAdvisories(path string) ([]Advisory, []LoadProblem, error) {
	files, err := advisoryFiles(path)
	if err != nil {
		return nil, nil, err
	}
	var l loader
	for _, f := range files {
		if strings.HasSuffix(f, ".zip") {
			l.zip(f)
		} else {
			l.file(f)
		}
	}
	return l.advisories, l.problems, nil
}

// advisoryFiles lists the files Load reads, in a stable order.
func advisoryFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("advisories: %w", err)
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	// osv-scanner's offline cache keeps one all.zip per ecosystem; prefer the layout of
	// the version it matches with, so a cache holding both does not count records twice.
	for _, layout := range []string{"osv-scalibr/*/all.zip", "osv-scanner/*/all.zip", "*/all.zip"} {
		zips, _ := filepath.Glob(filepath.Join(path, layout))
		if len(zips) > 0 {
			sort.Strings(zips)
			return zips, nil
		}
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".zip")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("advisories: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("advisories: no .json or .zip files under %s", path)
	}
	return files, nil
}

// loader collects the records and problems of one Load.
type loader struct {
	advisories []Advisory
	problems   []LoadProblem
}

func (l *loader) problem(file, format string, args ...any) {
	l.problems = append(l.problems, LoadProblem{File: file, Reason: fmt.Sprintf(format, args...)})
}

func (l *loader) file(path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		l.problem(path, "%v", err)
		return
	}
	l.record(path, data)
}

func (l *loader) zip(path string) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		l.problem(path, "not a readable zip: %v", err)
		return
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		name := path + "!" + f.Name
		data, err := readZipEntry(f)
		if err != nil {
			l.problem(name, "%v", err)
			continue
		}
		l.record(name, data)
	}
}

// maxRecordSize caps one record, so a hostile zip cannot exhaust memory; the largest
// real records (Go vulndb with many imported symbols) are well under 1 MiB.
const maxRecordSize = 16 << 20

func readZipEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxRecordSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRecordSize {
		return nil, fmt.Errorf("record larger than %d bytes", maxRecordSize)
	}
	return data, nil
}

func (l *loader) record(name string, data []byte) {
	a, err := ParseOSV(data)
	if err != nil {
		l.problem(name, "%v", err)
		return
	}
	l.advisories = append(l.advisories, a)
}
