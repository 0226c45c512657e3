package intel

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Format is an intel input format, detected from content.
type Format string

// The formats Load understands.
const (
	FormatSTIX        Format = "stix"        // a STIX 2.x bundle (or a lone object)
	FormatMISP        Format = "misp"        // a MISP event in any of its wrappers
	FormatMISPFeed    Format = "misp-feed"   // a directory with manifest.json and event files
	FormatList        Format = "list"        // one indicator per line
	FormatCSV         Format = "csv"         // comma-separated with a value column
	FormatWarninglist Format = "warninglist" // a MISP warninglist: not intel, skipped
	FormatUnknown     Format = "unknown"
)

// sniffSize is how much of an input is read to tell its format.
const sniffSize = 64 << 10

// Load reads every intel input under paths (files or directories, plain, gzip or tar.gz),
// detects each one's format and passes indicators to emit. Problems inside inputs are
// counted in the report; the error is only for paths that cannot be read at all.
func Load(paths []string, opts Options, emit func(vigil.Indicator)) (*Report, error) {
	rep := &Report{}
	s := NewSink(opts, rep, emit)
	inputs, walkErr := findInputs(paths, func() { s.Skip("file (documentation)") })
	for _, in := range inputs {
		if err := s.loadInput(in); err != nil {
			return rep, err
		}
	}
	return rep, walkErr
}

// input is one thing Load reads whole: a file, or a MISP feed directory.
type input struct {
	path string
	feed bool
	name string // the default source of what it holds (nameInputs)
}

// findInputs lists the inputs under paths in the order Load reads them, named by
// nameInputs, and calls skip for each documentation file it leaves out. Its error is the
// first path it could not walk; the inputs before it are listed.
func findInputs(paths []string, skip func()) ([]input, error) {
	var inputs []input
	var err error
	for _, p := range paths {
		if err = walkInputs(p, func(in input) error { inputs = append(inputs, in); return nil }, skip); err != nil {
			break
		}
	}
	nameInputs(inputs)
	return inputs, err
}

// loadInput reads one input, named for its default source.
func (s *Sink) loadInput(in input) error {
	s.inputName = in.name
	defer func() { s.inputName = "" }()
	if in.feed {
		return s.loadFeed(in.path)
	}
	return s.loadFile(in.path)
}

// walkInputs calls visit with each input under path p in the order Load reads them,
// and skip for each documentation file it leaves out.
func walkInputs(p string, visit func(input) error, skip func()) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", p, errors.Unwrap(err))
	}
	if !st.IsDir() {
		if filepath.Base(p) == "manifest.json" && isMISPFeedDir(filepath.Dir(p)) {
			return visit(input{path: filepath.Dir(p), feed: true})
		}
		return visit(input{path: p})
	}
	if isMISPFeedDir(p) {
		return visit(input{path: p, feed: true})
	}
	return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", path, err)
		}
		if d.IsDir() {
			if path != p && (strings.HasPrefix(d.Name(), ".") || isMISPFeedDir(path)) {
				if isMISPFeedDir(path) {
					if err := visit(input{path: path, feed: true}); err != nil {
						return err
					}
				}
				return filepath.SkipDir
			}
			return nil
		}
		if skipFile(d.Name()) {
			skip()
			return nil
		}
		return visit(input{path: path})
	})
}

func (s *Sink) loadFeed(dir string) error {
	s.rep.Files++
	name := s.inputName
	if name == "" {
		name = filepath.Base(dir)
	}
	s.SetDefaultSource(name)
	if err := LoadMISPFeed(dir, s); err != nil {
		s.Failed(Location{File: dir}, err.Error())
	}
	return nil
}

// isMISPFeedDir reports whether dir holds a MISP feed (a manifest.json beside event files).
func isMISPFeedDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return false
	}
	f, err := os.Open(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return detect(head[:n]) == FormatMISP || bytes.Contains(head[:n], []byte(`"info"`))
}

// skipFile tells documentation files in intel directories from intel.
func skipFile(name string) bool {
	up := strings.ToUpper(name)
	for _, prefix := range []string{"README", "LICENSE", "LICENCE", "COPYING", "NOTICE"} {
		if strings.HasPrefix(up, prefix) {
			return true
		}
	}
	return strings.HasSuffix(up, ".MD")
}

func (s *Sink) loadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	return s.loadReader(f, path, unpack{})
}

// ErrNested is returned for an input with a gzip layer inside another, or a tar archive
// inside another: vigil unpacks one gzip layer (and one tar) at most, so that an input of
// thousands of nested layers costs no more memory than one. A tar's members may each be
// gzipped once.
var ErrNested = errors.New("vigil unpacks one gzip layer and one tar archive at most")

// TooLargeError is returned when an input unpacks to more bytes than its Limit allows.
// The indicators before the cap were passed on.
type TooLargeError struct {
	// Limit is the cap in bytes.
	Limit int64
}

// Error names the cap and what to do.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the data unpacks to more than %d bytes, the most this server takes at once (max_intel_bytes): "+
		"split it into smaller files", e.Limit)
}

// Unwrap makes the error invalid input for callers that only know vigil's codes.
func (e *TooLargeError) Unwrap() error { return vigil.Errorf(vigil.EINVALID, "%s", e.Error()) }

// Limit caps the bytes unpacked from the inputs of one upload or feed pull, gzip
// decompressed and plain alike. One Limit may be shared by the files of one pull; it is
// not safe for concurrent use.
type Limit struct {
	max, used int64
	err       error
}

// DefaultMaxBytes is the Limit of one upload or feed pull when none is configured.
const DefaultMaxBytes int64 = 2 << 30

// NewLimit returns a Limit of max bytes; max <= 0 means no cap.
func NewLimit(max int64) *Limit { return &Limit{max: max} }

// Err is the *TooLargeError once the cap was passed, else nil.
func (l *Limit) Err() error {
	if l == nil {
		return nil
	}
	return l.err
}

// Reader returns r with what is read from it counted against l: for inputs that do not
// pass through the loader, such as TAXII pages.
func (l *Limit) Reader(r io.Reader) io.Reader { return limited{r: r, l: l} }

// limited counts what is read from r against a Limit and fails past it.
type limited struct {
	r io.Reader
	l *Limit
}

func (c limited) Read(p []byte) (int, error) {
	if c.l.err != nil {
		return 0, c.l.err
	}
	n, err := c.r.Read(p)
	c.l.used += int64(n)
	if c.l.max > 0 && c.l.used > c.l.max {
		c.l.err = &TooLargeError{Limit: c.l.max}
		return n, c.l.err
	}
	return n, err
}

// unpack is how deep loadReader is inside an input: under a gzip layer, inside a tar,
// and whether what it reads is already counted against the limit.
type unpack struct {
	lim              *Limit
	gzip, tar, count bool
}

func (u unpack) wrap(r io.Reader) io.Reader {
	if u.lim == nil || u.count {
		return r
	}
	return limited{r: r, l: u.lim}
}

// loadReader reads one input, unwrapping one gzip layer and one tar at most, and parses
// it by detected format.
func (s *Sink) loadReader(r io.Reader, name string, u unpack) error {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize)
	if isGzip(head) {
		if u.gzip {
			s.rep.Files++
			s.Failed(Location{File: name}, "gzip inside gzip: "+ErrNested.Error())
			return fmt.Errorf("%s: gzip inside gzip: %w", name, ErrNested)
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			s.rep.Files++
			s.Failed(Location{File: name}, "not a valid gzip file: "+err.Error())
			return u.lim.Err()
		}
		defer zr.Close()
		u.gzip = true
		r := u.wrap(zr)
		u.count = u.lim != nil
		return s.loadReader(r, strings.TrimSuffix(name, ".gz"), u)
	}
	if isTar(head) {
		if u.tar {
			s.rep.Files++
			s.Failed(Location{File: name}, "tar inside tar: "+ErrNested.Error())
			return fmt.Errorf("%s: tar inside tar: %w", name, ErrNested)
		}
		r := u.wrap(br)
		u.count = u.lim != nil
		u.tar, u.gzip = true, false // each member may be gzipped once
		return s.loadTar(r, name, u)
	}
	s.rep.Files++
	s.setInput(name)
	if err := s.parse(s.format(head), u.wrap(br), name); err != nil {
		s.Failed(Location{File: name}, err.Error())
	}
	return u.lim.Err()
}

// format is the format of an input starting with head. A list is read as CSV when the
// options name CSV columns: the person running the import says the file has columns.
func (s *Sink) format(head []byte) Format {
	f := detect(head)
	if f == FormatList && (s.opts.CSV.ValueColumn != "" || s.opts.CSV.TypeColumn != "") {
		return FormatCSV
	}
	return f
}

func (s *Sink) parse(f Format, r io.Reader, name string) error {
	switch f {
	case FormatSTIX:
		return ParseSTIX(r, name, s)
	case FormatMISP:
		return ParseMISP(r, name, s)
	case FormatCSV:
		return ParseCSV(r, name, s)
	case FormatList:
		return ParseList(r, name, s)
	case FormatWarninglist:
		s.Skip("file (warninglist: pass it with --warninglists)")
		return nil
	}
	return errors.New("not a supported intel format (STIX 2.1, MISP event or feed, CSV, or one indicator per line)")
}

func (s *Sink) loadTar(r io.Reader, name string, u unpack) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if lerr := u.lim.Err(); lerr != nil {
				return lerr
			}
			s.Failed(Location{File: name}, "broken tar archive: "+err.Error())
			return nil
		}
		if h.Typeflag != tar.TypeReg || skipFile(filepath.Base(h.Name)) {
			continue
		}
		if err := s.loadReader(tr, name+"!"+h.Name, u); err != nil {
			return err
		}
	}
}

func isGzip(head []byte) bool {
	return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

func isTar(head []byte) bool {
	return len(head) > 262 && string(head[257:262]) == "ustar"
}

// sourceName names a source after its file: "firehol_level1" for ".../firehol_level1.netset".
func sourceName(path string) string {
	if i := strings.LastIndexByte(path, '!'); i >= 0 {
		path = path[i+1:]
	}
	base := filepath.Base(path)
	for _, ext := range []string{".gz", ".json", ".txt", ".csv", ".netset", ".ipset", ".stix2"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// warninglistArray is the start of a MISP warninglist's "list" of values.
var warninglistArray = regexp.MustCompile(`"list"\s*:\s*\[`)

// detect tells an input's format from its first bytes.
func detect(head []byte) Format {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) == 0 {
		return FormatList
	}
	if t[0] == '{' || (t[0] == '[' && jsonArrayStart(t[1:])) {
		switch {
		case bytes.Contains(head, []byte(`"Event"`)) || bytes.Contains(head, []byte(`"Attribute"`)):
			return FormatMISP
		case bytes.Contains(head, []byte(`"matching_attributes"`)):
			return FormatWarninglist
		case bytes.Contains(head, []byte(`"spec_version"`)) || bytes.Contains(head, []byte(`"bundle"`)) ||
			bytes.Contains(head, []byte(`"pattern"`)):
			return FormatSTIX
		case bytes.Contains(head, []byte(`"response"`)):
			return FormatMISP
		case t[0] == '{' && bytes.Contains(head, []byte(`"description"`)) && warninglistArray.Match(head):
			// a long list puts its matching_attributes (keys in order) past the head
			return FormatWarninglist
		}
		return FormatUnknown
	}
	if looksLikeCSV(t) {
		return FormatCSV
	}
	return FormatList
}

// UnmistakableFormat tells from the first bytes of r (through one gzip layer) whether an
// input given as something else, such as telemetry to vigil hunt, is intel: FormatSTIX
// for a STIX bundle, FormatMISP for a MISP event, FormatUnknown otherwise. Load guesses
// from one mark of a format, as befits an input given as intel; this wants both marks of
// one ("type": "bundle" with "objects", "Event" with "Attribute"), which telemetry never
// carries at its start: a Windows event's "Event" has no "Attribute".
func UnmistakableFormat(r io.Reader) Format {
	br := bufio.NewReader(r)
	var in io.Reader = br
	if head, _ := br.Peek(2); isGzip(head) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return FormatUnknown
		}
		in = zr
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(in, head)
	head = head[:n]
	switch detect(head) {
	case FormatSTIX:
		if bytes.Contains(head, []byte(`"objects"`)) && bundleType.Match(head) {
			return FormatSTIX
		}
	case FormatMISP:
		if bytes.Contains(head, []byte(`"Event"`)) && bytes.Contains(head, []byte(`"Attribute"`)) {
			return FormatMISP
		}
	}
	return FormatUnknown
}

// bundleType finds a STIX bundle's "type": "bundle".
var bundleType = regexp.MustCompile(`"type"\s*:\s*"bundle"`)

// jsonArrayStart reports whether what follows a '[' continues a JSON array of objects,
// arrays or strings, rather than a list line such as "[2001:db8::1]:443".
func jsonArrayStart(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) == 0 || b[0] == '{' || b[0] == '[' || b[0] == '"' || b[0] == ']'
}

// looksLikeCSV is true when the first non-comment lines split into the same number (≥3)
// of comma-separated fields, or into two under a header that names a type column
// ("type,value"): two fields alone are a list line with a comment ("evil.example,c2").
func looksLikeCSV(t []byte) bool {
	lines, fields, least := 0, -1, 3
	for line := range bytes.SplitSeq(t, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || line[0] == ';' {
			continue
		}
		n := csvFieldCount(line)
		if lines == 0 && n == 2 && namesTypeColumn(line) {
			least = 2
		}
		if n < least || (fields >= 0 && n != fields) {
			return false
		}
		fields = n
		if lines++; lines == 5 {
			break
		}
	}
	return lines > 0
}

// namesTypeColumn reports whether a line is a header naming a type column.
func namesTypeColumn(line []byte) bool {
	for f := range bytes.SplitSeq(line, []byte(",")) {
		if slices.Contains(csvTypeColumns, normName(string(f))) {
			return true
		}
	}
	return false
}

// csvFieldCount counts the comma-separated fields of a line, not counting commas inside
// double quotes. It returns 0 when the first field holds a ';', as in signature-base's
// "hash;description, with, commas", which is a list line.
func csvFieldCount(line []byte) int {
	n, quoted := 1, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			n++
		case c == ';' && n == 1:
			return 0
		}
	}
	return n
}

// LoadReader reads one input (plain, gzip or tar.gz, format detected from content) the
// way Load reads a file: for uploads and feed downloads, which arrive as streams. name
// labels the input in the report and names the source when opts.Source is empty.
func LoadReader(r io.Reader, name string, opts Options, emit func(vigil.Indicator)) (*Report, error) {
	return LoadReaderLimited(r, name, nil, opts, emit)
}

// LoadReaderLimited is LoadReader with the bytes unpacked from r counted against lim
// (nil: no cap). Past the cap it stops with a *TooLargeError; the indicators before it
// were passed to emit.
func LoadReaderLimited(r io.Reader, name string, lim *Limit, opts Options, emit func(vigil.Indicator)) (*Report, error) {
	rep := &Report{}
	return rep, NewSink(opts, rep, emit).loadReader(r, name, unpack{lim: lim})
}
