package inventory

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/vigil-health/vigil"
)

// Inventory is what one file or upload says an organisation runs.
type Inventory struct {
	// Source is the file or upload name the inventory was read from.
	Source string
	// Format is the format it was read as (see Formats).
	Format string
	// Components are the pieces of software it lists, in its order.
	Components []vigil.Component
	// Problems are the parts that could not be understood; the rest was kept.
	Problems []vigil.InventoryProblem
}

// The formats Parse reads.
const (
	FormatCycloneDX    = "cyclonedx"
	FormatSPDX         = "spdx"
	FormatPURLs        = "purls"
	FormatOsquery      = "osquery"
	FormatGoMod        = "go.mod"
	FormatRequirements = "requirements.txt"
	FormatPackageLock  = "package-lock.json"
	FormatPOM          = "pom.xml"
	FormatUVLock       = "uv.lock"
	FormatCSV          = "csv"
)

// Formats lists every format Parse reads.
var Formats = []string{FormatCycloneDX, FormatSPDX, FormatPURLs, FormatOsquery, FormatGoMod,
	FormatRequirements, FormatPackageLock, FormatPOM, FormatUVLock, FormatCSV}

// parser reads one format's content into inv.
type parser func(inv *Inventory, data []byte) error

var parsers = map[string]parser{
	FormatCycloneDX:    parseCycloneDX,
	FormatSPDX:         parseSPDX,
	FormatPURLs:        parsePURLList,
	FormatOsquery:      parseOsquery,
	FormatGoMod:        parseGoMod,
	FormatRequirements: func(inv *Inventory, data []byte) error { return parseRequirements(inv, data, nil) },
	FormatPackageLock:  parsePackageLock,
	FormatPOM:          parsePOM,
	FormatUVLock:       parseUVLock,
	FormatCSV:          parseCSV,
}

// Parse reads one inventory, telling its format from the content (the name is a hint
// for formats whose content alone is ambiguous). It returns an error, naming the input,
// only when none of it can be understood; a bad component is a Problem instead.
// requirements.txt includes (-r) are not followed: Parse has no files to follow them
// to, so each is a Problem; ReadPath follows them.
func Parse(name string, r io.Reader) (Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Inventory{Source: name}, &FileError{Path: name, Err: fmt.Errorf("read: %w", err)}
	}
	if len(data) > maxFileSize {
		return Inventory{Source: name}, &FileError{Path: name, Err: fmt.Errorf("more than the %d bytes an inventory may be", maxFileSize)}
	}
	return parseBytes(name, data, nil)
}

// parseBytes parses data in the detected format; include opens requirements includes
// when reading from disk.
func parseBytes(name string, data []byte, include includeFunc) (Inventory, error) {
	inv := Inventory{Source: name}
	data = asUTF8(data)
	format, err := Detect(name, data)
	if err != nil {
		return inv, &FileError{Path: name, Err: err}
	}
	inv.Format = format
	p := parsers[format]
	if format == FormatRequirements {
		p = func(inv *Inventory, data []byte) error { return parseRequirements(inv, data, include) }
	}
	if err := p(&inv, data); err != nil {
		return inv, &FileError{Path: name, Err: fmt.Errorf("%s: %w", format, err)}
	}
	return inv, nil
}

// Detect names the format of an inventory from its content, with the file name as a
// hint where the content alone could be several (a requirements file, a CSV).
func Detect(name string, data []byte) (string, error) {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return "", fmt.Errorf("empty: no inventory in it")
	}
	switch trimmed[0] {
	case '{', '[':
		return detectJSON(base, trimmed)
	case '<':
		if bytes.Contains(trimmed, []byte("<project")) {
			return FormatPOM, nil
		}
		return "", fmt.Errorf("XML that is not a Maven pom.xml (no <project>)")
	}
	return detectText(base, trimmed)
}

func detectText(base string, data []byte) (string, error) {
	first := firstLine(data)
	switch {
	case strings.HasSuffix(base, "go.mod") || bytes.HasPrefix(first, []byte("module ")):
		return FormatGoMod, nil
	case base == "uv.lock" || bytes.Contains(data, []byte("\n[[package]]")) && bytes.Contains(data, []byte("requires-python")):
		// Cargo.lock also has [[package]] tables, of Rust crates: requires-python tells
		// uv's apart.
		return FormatUVLock, nil
	case bytes.HasPrefix(bytes.ToLower(first), []byte("pkg:")):
		return FormatPURLs, nil
	case strings.HasSuffix(base, ".csv") || isProductHeader(first):
		return FormatCSV, nil
	case strings.Contains(base, "requirements") || strings.HasSuffix(base, ".txt") || looksLikeRequirement(first):
		return FormatRequirements, nil
	}
	return "", fmt.Errorf("not a format vigil reads (expected one of %s)", strings.Join(Formats, ", "))
}

// firstLine is the first line that is not blank or a comment (# or //).
func firstLine(data []byte) []byte {
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.HasPrefix(line, []byte("//")) {
			return line
		}
	}
	return nil
}

// lineAt is the 1-based line of a byte offset, for messages that point into a file.
func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// addProblem records a part of the inventory that could not be understood.
func (inv *Inventory) addProblem(location, format string, args ...any) {
	inv.Problems = append(inv.Problems, vigil.InventoryProblem{
		Source: inv.Source, Location: location, Reason: fmt.Sprintf(format, args...),
	})
}

// add keeps a component, stamping it with the inventory's source.
func (inv *Inventory) add(c vigil.Component) {
	c.Source = inv.Source
	inv.Components = append(inv.Components, c)
}

// FileError says which inventory file could not be read or understood, and why.
type FileError struct {
	// Path is the file or upload name.
	Path string
	// Err is the reason.
	Err error
}

// Error names the file, then the reason.
func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *FileError) Unwrap() error { return e.Err }
