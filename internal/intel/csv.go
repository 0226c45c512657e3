package intel

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// CSV reading limits.
const (
	csvSampleRows = 20      // rows read before choosing columns
	maxRecordLen  = 1 << 20 // longest CSV record; longer means a quote that never closed
)

// ParseCSV reads a CSV export with one indicator per row. Options().CSV names the value
// and type columns; when they are not set the columns are chosen from the first rows:
//
//   - a header row naming a value column (value, indicator, ioc, url, domain, ip, sha256,
//     …), and a type column (type, ioc_type, indicator_type) when there is one; a value
//     column named after a type (sha256_hash, dst_ip) gives its type to every row;
//   - without a header, a column holding only type names (ip, domain, url, md5, …) and the
//     column beside it whose values read as those types (TweetFeed: date, user, type,
//     value, tags, tweet URL);
//   - otherwise the first column most of whose values are indicators, each row's type
//     detected from its value.
//
// Tags become labels: a tags, labels or malware column, or without a header a column of
// hashtags ("#phishing #scam"). A first_seen / last_seen or date column, or without a
// header a column of timestamps, fills FirstSeen and LastSeen. Other columns are ignored:
// in TweetFeed that includes the reporting user and the tweet, so Source stays the file
// name and the user is not made a label (labels say what a threat is, not who saw it);
// Ref "line N" leads back to the row. Lines starting with '#' are comments, a header row
// is counted as skipped, and a row of an unsupported type (mutex, yara) is skipped by type.
func ParseCSV(r io.Reader, file string, s *Sink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	commented := commentedHeader(br)
	g := &csvGuard{r: br}
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	cr.Comment = '#'
	sample, readErr := readSample(cr, g, file, s)
	cols, err := chooseColumns(sample, commented, s.Options().CSV)
	if err != nil {
		return err
	}
	if cols.header && len(sample) > 0 {
		s.Skip("header row")
		sample = sample[1:]
	}
	p := csvParser{s: s, file: file, cols: cols, tags: map[string][]string{}}
	for _, row := range sample {
		p.add(row.line, row.fields)
	}
	for readErr == nil {
		rec, err := cr.Read()
		g.mark = cr.InputOffset()
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			if !csvRowError(s, file, err) {
				readErr = err
			}
		default:
			line, _ := cr.FieldPos(0)
			p.add(line, rec)
		}
	}
	return readErr
}

// commentedHeader peeks at the comment lines before the first row and returns the last
// one's fields, without its '#': the header, when a producer writes it as a comment.
func commentedHeader(br *bufio.Reader) []string {
	head, _ := br.Peek(br.Size())
	var last []byte
	for len(head) > 0 {
		line, rest, found := bytes.Cut(head, []byte("\n"))
		if !found && len(rest) == 0 && len(head) == br.Size() {
			break // a line longer than the peek: no header to find
		}
		head = rest
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			continue
		}
		if t[0] != '#' {
			break
		}
		last = t
	}
	last = bytes.TrimSpace(bytes.TrimLeft(last, "#"))
	if len(last) == 0 {
		return nil
	}
	fields, err := csv.NewReader(bytes.NewReader(last)).Read()
	if err != nil {
		return nil
	}
	return fields
}

// csvRow is a sampled CSV record and the line it starts on.
type csvRow struct {
	line   int
	fields []string
}

// readSample reads the first rows, kept for choosing columns and then imported. The
// error is one that ends the input; the rows before it are still returned.
func readSample(cr *csv.Reader, g *csvGuard, file string, s *Sink) ([]csvRow, error) {
	var rows []csvRow
	for len(rows) < csvSampleRows {
		rec, err := cr.Read()
		g.mark = cr.InputOffset()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			if !csvRowError(s, file, err) {
				return rows, err
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, csvRow{line: line, fields: slices.Clone(rec)})
	}
	return rows, nil
}

// csvRowError rejects a malformed record and reports whether reading can go on.
func csvRowError(s *Sink, file string, err error) bool {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	s.Reject(Location{File: file, Line: pe.Line}, "", "malformed CSV record: "+pe.Err.Error())
	return true
}

// csvGuard stops a CSV input whose current record grows past maxRecordLen, as happens
// after a quote that never closes: encoding/csv would read the rest of the input into
// one field.
type csvGuard struct {
	r    io.Reader
	read int64 // bytes handed to the CSV reader
	mark int64 // input offset where the current record starts
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.read-g.mark > maxRecordLen {
		return 0, fmt.Errorf("a CSV record is longer than %d KiB (a quote that never closes?)", maxRecordLen>>10)
	}
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}

// csvParser imports CSV rows once the columns are chosen.
type csvParser struct {
	s    *Sink
	file string
	cols csvColumns
	tags map[string][]string // labels per distinct tags text, shared by the rows that have it
}

// maxTagCache bounds the distinct tag texts whose labels are remembered.
const maxTagCache = 4096

// add imports one record.
func (p *csvParser) add(line int, rec []string) {
	c := &p.cols
	loc := Location{File: p.file, Line: line}
	if c.value >= len(rec) {
		p.s.Reject(loc, strings.Join(rec[:min(len(rec), 4)], ","), fmt.Sprintf("the row has %d fields; the value is in column %d", len(rec), c.value+1))
		return
	}
	raw := strings.Clone(rec[c.value]) // not a slice of the whole row, which would stay in memory
	t := c.valueType
	if c.typ >= 0 {
		name := field(rec, c.typ)
		var ok bool
		if t, ok = csvType(name); !ok {
			p.s.Skip(skipKind(name))
			return
		}
	}
	t = resolveType(t, raw)
	prov := vigil.Provenance{Confidence: -1, Ref: "line " + strconv.Itoa(line)}
	for _, i := range c.labels {
		prov.Labels = p.labels(prov.Labels, field(rec, i))
	}
	prov.FirstSeen, _ = parseCSVTime(field(rec, c.firstSeen))
	prov.LastSeen, _ = parseCSVTime(field(rec, c.lastSeen))
	p.s.Add(loc, t, raw, prov)
}

// labels adds the tags in text to have. A row's labels from a single column are shared
// with other rows with the same text.
func (p *csvParser) labels(have []string, text string) []string {
	if text == "" {
		return have
	}
	tags, ok := p.tags[text]
	if !ok {
		tags = slices.Clip(splitTags(text))
		if len(p.tags) < maxTagCache {
			p.tags[strings.Clone(text)] = tags
		}
	}
	if have == nil {
		return tags
	}
	return append(slices.Clip(have), tags...)
}

// splitTags reads a tags field: hashtags ("#phishing #scam") or a list separated by ',',
// ';' or '|' ("elf,mirai").
func splitTags(text string) []string {
	seps := ",;|"
	if strings.Contains(text, "#") {
		seps = ",;| \t"
	}
	var tags []string
	for t := range strings.FieldsFuncSeq(text, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		t = strings.TrimSpace(strings.TrimLeft(t, "#"))
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, strings.Clone(truncateUTF8(t, maxLabelLen)))
		}
	}
	return tags
}

// skipKind names the skipped-object kind for a row of an unsupported type.
func skipKind(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if len(name) > 32 || strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_|:.", r))
	}) >= 0 {
		return "row of an unsupported type"
	}
	return "row of type " + name
}

// field returns rec[i], or "" when the row is shorter or i is -1.
func field(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// Pseudo-types for CSV type names that stand for more than one indicator type; resolveType
// picks the real one from the value.
const (
	typeAnyIP   vigil.IndicatorType = "ip"   // ipv4, ipv6 or cidr
	typeAnyHash vigil.IndicatorType = "hash" // md5, sha1, sha256 or sha512 by length
)

// csvType maps a type name as exports write it to an indicator type. The empty name, and
// names such as "ip:port" that Detect understands, map to "" (detect from the value).
// ok is false for types vigil does not match.
func csvType(name string) (t vigil.IndicatorType, ok bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimPrefix(n, "filehash-")
	n = strings.TrimSuffix(n, "_hash")
	t, ok = csvTypeNames[strings.ReplaceAll(n, "_", "-")]
	return t, ok
}

// csvTypeNames holds the type names csvType knows, lower-case with '-' for '_'.
var csvTypeNames = map[string]vigil.IndicatorType{
	"": "", "ip:port": "", "ip-port": "", "ioc": "",
	"ip": typeAnyIP, "ip-dst": typeAnyIP, "ip-src": typeAnyIP, "ip-addr": typeAnyIP,
	"ip-address": typeAnyIP, "ipaddress": typeAnyIP, "dst-ip": typeAnyIP, "src-ip": typeAnyIP,
	"ipv4": vigil.TypeIPv4, "ipv4-addr": vigil.TypeIPv4, "ipv4-address": vigil.TypeIPv4,
	"ipv6": vigil.TypeIPv6, "ipv6-addr": vigil.TypeIPv6, "ipv6-address": vigil.TypeIPv6,
	"cidr": vigil.TypeCIDR, "ip-range": vigil.TypeCIDR, "iprange": vigil.TypeCIDR,
	"netblock": vigil.TypeCIDR, "network": vigil.TypeCIDR, "subnet": vigil.TypeCIDR,
	"domain": vigil.TypeDomain, "domain-name": vigil.TypeDomain, "hostname": vigil.TypeDomain,
	"host": vigil.TypeDomain, "fqdn": vigil.TypeDomain,
	"url": vigil.TypeURL, "uri": vigil.TypeURL, "link": vigil.TypeURL,
	"email": vigil.TypeEmail, "email-src": vigil.TypeEmail, "email-dst": vigil.TypeEmail,
	"email-addr": vigil.TypeEmail, "email-address": vigil.TypeEmail, "e-mail": vigil.TypeEmail,
	"md5": vigil.TypeMD5, "sha1": vigil.TypeSHA1, "sha-1": vigil.TypeSHA1,
	"sha256": vigil.TypeSHA256, "sha-256": vigil.TypeSHA256,
	"sha512": vigil.TypeSHA512, "sha-512": vigil.TypeSHA512,
	"hash": typeAnyHash, "filehash": typeAnyHash, "file-hash": typeAnyHash,
	"filename": vigil.TypeFilename, "file-name": vigil.TypeFilename,
	"x509-fingerprint-sha1": vigil.TypeX509SHA1, "x509-sha1": vigil.TypeX509SHA1,
	"x509-fingerprint-sha256": vigil.TypeX509SHA256, "x509-sha256": vigil.TypeX509SHA256,
	"ja3-fingerprint-md5": vigil.TypeJA3, "ja3": vigil.TypeJA3, "ja3-md5": vigil.TypeJA3, "ja3s": vigil.TypeJA3S, "ja3s-fingerprint-md5": vigil.TypeJA3S,
	"ja4": vigil.TypeJA4, "ja4-fingerprint": vigil.TypeJA4,
}

// resolveType turns a pseudo-type into a real one by looking at the value.
func resolveType(t vigil.IndicatorType, v string) vigil.IndicatorType {
	switch t {
	case typeAnyIP:
		switch {
		case strings.IndexByte(v, '/') >= 0:
			return vigil.TypeCIDR
		case strings.HasPrefix(v, "[") || strings.Count(v, ":") == 1:
			return "" // IP:port or [IPv6]:port: Detect drops the port
		case strings.IndexByte(v, ':') >= 0:
			return vigil.TypeIPv6
		}
		return vigil.TypeIPv4
	case typeAnyHash:
		switch len(strings.TrimSpace(v)) {
		case 40:
			return vigil.TypeSHA1
		case 64:
			return vigil.TypeSHA256
		case 128:
			return vigil.TypeSHA512
		}
		return vigil.TypeMD5 // rejected with the expected length when it is not one
	}
	return t
}

// csvTimeLayouts are the timestamp forms CSV exports use.
var csvTimeLayouts = []string{time.DateTime, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 MST", time.DateOnly}

// parseCSVTime reads a timestamp; one without a zone is taken as UTC.
func parseCSVTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < len(time.DateOnly) || s[0] < '0' || s[0] > '9' {
		return time.Time{}, false
	}
	for _, layout := range csvTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// csvColumns are the 0-based columns ParseCSV reads; -1 means absent.
type csvColumns struct {
	header    bool                // the first row names the columns
	value     int                 // the indicator value
	typ       int                 // the indicator type
	valueType vigil.IndicatorType // every value's type when there is no type column; "" detects
	labels    []int               // tags, malware family
	firstSeen int
	lastSeen  int
}

// Header names ParseCSV understands, compared after normName.
var (
	// csvValueColumns is in order of preference; a name that is a type name (sha256_hash,
	// dst_ip) gives that type to every value.
	csvValueColumns = []string{
		"value", "indicator", "ioc", "ioc_value", "indicator_value", "observable", "url", "uri",
		"domain", "hostname", "fqdn", "host", "ip", "ip_address", "dst_ip", "ip_dst", "src_ip",
		"ipv4", "ipv6", "cidr", "sha256", "sha256_hash", "sha1", "sha1_hash", "md5", "md5_hash",
		"sha512", "hash", "email", "filename", "file_name",
		"ja3_md5", "ja3", "ja3s", "ja4", "x509_sha1", "x509_sha256", "x509_fingerprint_sha1", "x509_fingerprint_sha256",
	}
	csvTypeColumns      = []string{"type", "ioc_type", "indicator_type", "attribute_type"}
	csvLabelColumns     = []string{"tags", "tag", "labels", "label", "malware", "malware_family", "malware_printable", "family", "threat", "threat_type"}
	csvFirstSeenColumns = []string{"first_seen", "first_seen_utc", "firstseen", "date", "dateadded", "date_added", "created", "created_at", "timestamp"}
	csvLastSeenColumns  = []string{"last_seen", "last_seen_utc", "lastseen"}
)

// chooseColumns picks the columns from the options, a header row, or the sampled values.
func chooseColumns(sample []csvRow, commented []string, opts CSVOptions) (csvColumns, error) {
	c := csvColumns{value: -1, typ: -1, firstSeen: -1, lastSeen: -1}
	var first []string
	if len(sample) > 0 {
		first = sample[0].fields
	}
	named := false
	if c.header = isHeader(first); c.header {
		c.fromHeader(first)
		named = true
	} else if len(commented) == len(first) && isHeader(commented) {
		c.fromHeader(commented) // abuse.ch writes its header as a comment: "# ja3_md5,Firstseen,…"
		named = true
	}
	if err := c.fromOptions(opts, first); err != nil {
		return c, err
	}
	rows := sample
	if c.header {
		rows = rows[1:]
	}
	if len(rows) == 0 && c.value < 0 {
		c.value = 0 // nothing to look at; rows after a broken start are judged one by one
	}
	if c.value < 0 && c.typ < 0 {
		c.typ = typeColumnByContent(rows)
	}
	if c.value < 0 && c.typ >= 0 {
		c.value = valueBesideType(rows, c.typ)
	}
	if c.value < 0 {
		c.value = valueColumnByContent(rows)
	}
	if c.value < 0 {
		return c, fmt.Errorf("no column holds indicators in the first %d rows; name the value column in the CSV options", len(rows))
	}
	if !named {
		c.labels = hashtagColumns(rows, &c)
		c.firstSeen = dateColumn(rows, &c)
	}
	return c, nil
}

// fromHeader reads the columns from a header row.
func (c *csvColumns) fromHeader(header []string) {
	best := len(csvValueColumns)
	for i, h := range header {
		n := normName(h)
		if k := slices.Index(csvValueColumns, n); k >= 0 && k < best {
			best, c.value, c.valueType = k, i, impliedType(n)
		}
		switch {
		case c.typ < 0 && slices.Contains(csvTypeColumns, n):
			c.typ = i
		case slices.Contains(csvLabelColumns, n):
			c.labels = append(c.labels, i)
		case c.firstSeen < 0 && slices.Contains(csvFirstSeenColumns, n):
			c.firstSeen = i
		case c.lastSeen < 0 && slices.Contains(csvLastSeenColumns, n):
			c.lastSeen = i
		}
	}
}

// fromOptions applies the columns named in the options, which win over detection.
func (c *csvColumns) fromOptions(opts CSVOptions, first []string) error {
	if opts.ValueColumn != "" {
		i, named, err := columnIndex(opts.ValueColumn, first)
		if err != nil {
			return err
		}
		c.value, c.valueType = i, ""
		if named {
			c.header, c.valueType = true, impliedType(normName(opts.ValueColumn))
		}
	}
	if opts.TypeColumn != "" {
		i, named, err := columnIndex(opts.TypeColumn, first)
		if err != nil {
			return err
		}
		c.typ = i
		c.header = c.header || named
	}
	return nil
}

// impliedType is the type a value column's name gives its values ("" detects).
func impliedType(name string) vigil.IndicatorType {
	t, _ := csvType(name)
	return t
}

// columnIndex reads a column option: a 1-based number or a name in the header row.
func columnIndex(spec string, header []string) (i int, named bool, err error) {
	if n, err := strconv.Atoi(strings.TrimSpace(spec)); err == nil {
		if n < 1 {
			return 0, false, fmt.Errorf("CSV column %d: columns are numbered from 1", n)
		}
		return n - 1, false, nil
	}
	want := normName(spec)
	for i, h := range header {
		if normName(h) == want {
			return i, true, nil
		}
	}
	return 0, false, fmt.Errorf("no CSV column named %q in the first row", spec)
}

// normName folds a header name: "First Seen (UTC)" and "first-seen-utc" both read as first_seen_utc.
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), "#")))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.':
			return '_'
		case '(', ')', '"', '\'':
			return -1
		}
		return r
	}, s)
}

// isHeader reports whether a row names columns: no field is an indicator and at least one
// is a column name ParseCSV knows.
func isHeader(row []string) bool {
	known := false
	for _, f := range row[:min(len(row), maxDetectColumns)] {
		if f == "" {
			continue
		}
		if _, _, err := ioc.Detect(f); err == nil {
			return false
		}
		n := normName(f)
		for _, names := range [][]string{csvValueColumns, csvTypeColumns, csvLabelColumns, csvFirstSeenColumns, csvLastSeenColumns} {
			known = known || slices.Contains(names, n)
		}
	}
	return known
}

// typeColumnByContent finds a column whose every sampled value is a type name.
func typeColumnByContent(rows []csvRow) int {
	for col := range maxFields(rows) {
		if countRows(rows, col, isTypeName) == len(rows) {
			return col
		}
	}
	return -1
}

// valueBesideType picks the column after (or else before) the type column whose values
// read as the named types in most rows; the one after when neither does.
func valueBesideType(rows []csvRow, typ int) int {
	for _, col := range []int{typ + 1, typ - 1} {
		n := 0
		for _, r := range rows {
			t, _ := csvType(field(r.fields, typ))
			if validAs(t, field(r.fields, col)) {
				n++
			}
		}
		if 2*n > len(rows) {
			return col
		}
	}
	return typ + 1
}

// valueColumnByContent finds the first column most of whose sampled values are indicators.
func valueColumnByContent(rows []csvRow) int {
	for col := range maxFields(rows) {
		if 2*countRows(rows, col, func(v string) bool { return validAs("", v) }) > len(rows) {
			return col
		}
	}
	return -1
}

// hashtagColumns finds the columns other than value and type that hold only hashtags.
func hashtagColumns(rows []csvRow, c *csvColumns) []int {
	var cols []int
	for col := range maxFields(rows) {
		if col != c.value && col != c.typ && countRows(rows, col, isHashtags) > 0 &&
			countRows(rows, col, func(f string) bool { return isHashtags(f) || strings.TrimSpace(f) == "" }) == len(rows) {
			cols = append(cols, col)
		}
	}
	return cols
}

// dateColumn finds the first column other than value and type whose every sampled value
// is a timestamp.
func dateColumn(rows []csvRow, c *csvColumns) int {
	for col := range maxFields(rows) {
		if col != c.value && col != c.typ && countRows(rows, col, isTime) == len(rows) {
			return col
		}
	}
	return -1
}

// countRows counts the sampled rows whose field in column col satisfies is.
func countRows(rows []csvRow, col int, is func(string) bool) int {
	n := 0
	for _, r := range rows {
		if is(field(r.fields, col)) {
			n++
		}
	}
	return n
}

// validAs reports whether v normalises as type t ("" detects).
func validAs(t vigil.IndicatorType, v string) bool {
	if v == "" {
		return false
	}
	var err error
	if t = resolveType(t, v); t == "" {
		_, _, err = ioc.Detect(v)
	} else {
		_, _, err = ioc.Normalize(t, v)
	}
	return err == nil
}

func isTypeName(s string) bool {
	_, ok := csvType(s)
	return ok && strings.TrimSpace(s) != ""
}

func isTime(s string) bool {
	_, ok := parseCSVTime(s)
	return ok
}

// isHashtags reports whether s is a list of hashtags: "#phishing #scam".
func isHashtags(s string) bool {
	some := false
	for tok := range strings.FieldsSeq(s) {
		if len(tok) < 2 || tok[0] != '#' {
			return false
		}
		some = true
	}
	return some
}

// maxDetectColumns caps the columns examined when choosing by content, so that a row of
// a million empty fields costs no more than a normal one.
const maxDetectColumns = 100

// maxFields is the widest sampled row, up to maxDetectColumns.
func maxFields(rows []csvRow) int {
	n := 0
	for _, r := range rows {
		n = max(n, len(r.fields))
	}
	return min(n, maxDetectColumns)
}
