package inventory

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxFileSize caps one inventory file, so a stray disk image is refused, not read.
const maxFileSize = 256 << 20

// ReadPath reads the inventory in a file, or every inventory file under a directory
// (files named like one: .json, .csv, .txt, .xml, .purl(s), go.mod, uv.lock, *.log of
// osqueryd results). requirements.txt includes (-r) are followed relative to the
// including file. A file that cannot be read or understood is named in the error and the
// others are still returned.
func ReadPath(path string) ([]Inventory, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if !info.IsDir() {
		inv, err := readFile(path)
		if err != nil {
			return nil, err
		}
		return []Inventory{inv}, nil
	}
	var invs []Inventory
	var errs []error
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &FileError{Path: p, Err: err})
			return nil
		}
		if d.IsDir() {
			if p != path && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !inventoryFileName(d.Name()) {
			return nil
		}
		inv, err := readFile(p)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		invs = append(invs, inv)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return invs, errors.Join(errs...)
}

// inventoryFileName says whether a directory walk should read a file of this name.
func inventoryFileName(name string) bool {
	lower := strings.ToLower(name)
	switch lower {
	case "uv.lock", "pom.xml":
		return true
	}
	for _, ext := range []string{"go.mod", ".json", ".csv", ".txt", ".xml", ".purl", ".purls", ".ndjson", ".log"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

func readFile(path string) (Inventory, error) {
	data, err := readCapped(path)
	if err != nil {
		return Inventory{Source: path}, &FileError{Path: path, Err: err}
	}
	return parseBytes(path, data, includeFromDisk)
}

func readCapped(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxFileSize {
		return nil, fmt.Errorf("%d bytes, more than the %d an inventory may be", info.Size(), maxFileSize)
	}
	return os.ReadFile(path)
}

// includeFromDisk reads a requirements include relative to the including file.
func includeFromDisk(from, name string) (string, []byte, error) {
	if name == "" {
		return "", nil, errors.New("no file named")
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(from), name)
	}
	data, err := readCapped(p)
	if err != nil {
		return p, nil, err
	}
	return p, data, nil
}
