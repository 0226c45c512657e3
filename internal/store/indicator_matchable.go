package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// matchableColumns are what the matcher reads of an indicator and one of its claims:
// indicatorColumns without added_at, which no rebuild looks at. matchableTimes are
// the time columns among them, in the order claimReader.times holds them.
const matchableColumns = `i.id, i.type, i.value, i.last_sighted, s.source, s.tlp, s.reliability, s.credibility,
	s.confidence, s.labels, s.ref, s.valid_from, s.valid_until, s.first_seen, s.last_seen, s.not_for_matching,
	s.published_at, s.publisher`

var matchableTimes = [6]int{3, 11, 12, 13, 14, 16}

// EachMatchable calls fn with every indicator some source holds, with its claims, in id
// order, as EachIndicator does but for a matcher rebuild, which reads every stored
// indicator while telemetry waits: Added is not read, and the *StoredIndicator (its
// Sources slice included) is only valid during the call and reused for the next one.
// Strings that repeat from row to row (types, sources, TLPs, labels) are shared rather
// than allocated for every row, and times in the store's own layout are parsed without
// time.Parse. fn must not write to the store. Outside a transaction the indicators are
// read a range of ids at a time, on several connections at once, and not at one instant:
// see eachMatchableRanges for what that means for a caller.
func (s *Store) EachMatchable(ctx context.Context, fn func(*vigil.StoredIndicator) error) error {
	fn, err := s.withListings(ctx, fn)
	if err != nil {
		return err
	}
	if s.tx == nil {
		return s.eachMatchableRanges(ctx, matchableSpan, fn)
	}
	rows, err := s.rdb().query(ctx, `SELECT `+matchableColumns+` FROM indicators i
		JOIN indicator_sources s ON s.indicator_id = i.id ORDER BY i.id, s.source`)
	if err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	defer rows.Close()
	return eachGrouped(rows, s.newClaimReader(), fn)
}

// eachGrouped reads claim rows ordered by indicator id and calls fn once per indicator.
func eachGrouped(rows *sql.Rows, r *claimReader, fn func(*vigil.StoredIndicator) error) error {
	return eachGroupedBy(rows, func() (int64, error) { return r.scan(rows) }, r, fn)
}

// cursor is what *sql.Rows and pgx.Rows have in common.
type cursor interface {
	Next() bool
	Err() error
}

// eachGroupedBy is eachGrouped for rows that scan reads into r.
func eachGroupedBy(rows cursor, scan func() (int64, error), r *claimReader, fn func(*vigil.StoredIndicator) error) error {
	var cur vigil.StoredIndicator
	for rows.Next() {
		id, err := scan()
		if err != nil {
			return fmt.Errorf("read indicators: %w", err)
		}
		if id != cur.ID {
			if cur.ID != 0 {
				if err := fn(&cur); err != nil {
					return err
				}
			}
			cur = vigil.StoredIndicator{ID: id, Type: r.typVal, Value: r.valueString(), LastSighted: r.lastSighted, Sources: cur.Sources[:0]}
		}
		cur.Sources = append(cur.Sources, r.src)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read indicators: %w", err)
	}
	if cur.ID != 0 {
		return fn(&cur)
	}
	return nil
}

// claimReader scans rows of matchableColumns, keeping the strings that repeat.
type claimReader struct {
	// raw column bytes, reused from row to row
	typ, value, source, tlp, rel, labels, ref, notFor, publisher sql.RawBytes
	cred, conf                                                   int64
	times                                                        [6]fastTime
	strs                                                         interned
	labelSets                                                    map[string][]string
	lastLabels                                                   []byte   // the last labels text parsed, when lastOK
	lastSet                                                      []string // and what it held
	lastOK                                                       bool

	// the last row, as scan left it
	lastSighted time.Time
	src         vigil.IndicatorSource
	typVal      vigil.IndicatorType
}

// newClaimReader returns a reader of matchableColumns.
func (s *Store) newClaimReader() *claimReader {
	return &claimReader{strs: interned{m: map[string]string{}}, labelSets: map[string][]string{}}
}

// scan reads one row and returns its indicator id.
func (r *claimReader) scan(rows *sql.Rows) (int64, error) {
	var id int64
	t := &r.times
	err := rows.Scan(&id, &r.typ, &r.value, &t[0], &r.source, &r.tlp, &r.rel, &r.cred, &r.conf, &r.labels, &r.ref,
		&t[1], &t[2], &t[3], &t[4], &r.notFor, &t[5], &r.publisher)
	if err != nil {
		return 0, err
	}
	return id, r.fromColumns(id)
}

// scanRaw reads the row st is on (a rawSQLite statement of matchableColumns) and returns
// its indicator id. The texts are not copied: they are valid until the next row, as
// sql.RawBytes are.
func (r *claimReader) scanRaw(st *rawStmt) (int64, error) {
	id := st.int64(0)
	r.typ, r.value, r.source, r.tlp, r.rel, r.labels, r.ref, r.notFor, r.publisher = st.text(1), st.text(2), st.text(4),
		st.text(5), st.text(6), st.text(9), st.text(10), st.text(15), st.text(17)
	r.cred, r.conf = st.int64(7), st.int64(8)
	for i, col := range matchableTimes {
		if err := r.times[i].scanText(st.text(col)); err != nil {
			return 0, fmt.Errorf("times of indicator %d: %w", id, err)
		}
	}
	return id, r.fromColumns(id)
}

// fromColumns sets the last row from the columns scan (or scanRaw, or scanPG) read.
func (r *claimReader) fromColumns(id int64) error {
	t := &r.times
	r.typVal = vigil.IndicatorType(r.strs.get(colType, r.typ))
	r.lastSighted = t[0].t
	src := vigil.IndicatorSource{Published: t[5].t, NotForMatching: r.strs.get(colNotFor, r.notFor)}
	p := &src.Provenance
	p.Source, p.TLP = r.strs.get(colSource, r.source), vigil.TLP(r.strs.get(colTLP, r.tlp))
	p.Publisher = r.strs.get(colPublisher, r.publisher)
	p.Reliability, p.Credibility = gradeOf(r.strs.get(colRel, r.rel), int(r.cred))
	p.Confidence, p.Ref = int(r.conf), string(r.ref)
	p.ValidFrom, p.ValidUntil, p.FirstSeen, p.LastSeen = t[1].t, t[2].t, t[3].t, t[4].t
	var err error
	if p.Labels, err = r.labelSet(); err != nil {
		return fmt.Errorf("labels of indicator %d: %w", id, err)
	}
	r.src = src
	return nil
}

// valueString returns the last row's value as a string of its own.
func (r *claimReader) valueString() string {
	return string(r.value)
}

// labelSet returns the labels of the last row, parsing each distinct JSON text once.
// The slices are shared between rows: callers copy what they keep (match.Builder does).
func (r *claimReader) labelSet() ([]string, error) {
	if string(r.labels) == "[]" {
		return nil, nil
	}
	if r.lastOK && string(r.labels) == string(r.lastLabels) { // rows in id order often repeat their neighbour's
		return r.lastSet, nil
	}
	l, err := r.parseLabels()
	r.lastLabels, r.lastSet, r.lastOK = append(r.lastLabels[:0], r.labels...), l, err == nil
	return l, err
}

// parseLabels is labelSet past its check of the last row's.
func (r *claimReader) parseLabels() ([]string, error) {
	if l, ok := r.labelSets[string(r.labels)]; ok {
		return l, nil
	}
	var l []string
	if err := json.Unmarshal(r.labels, &l); err != nil {
		return nil, err
	}
	if len(r.labelSets) < maxInterned {
		r.labelSets[string(r.labels)] = l
	}
	return l, nil
}

// maxInterned bounds the strings and label sets a claimReader keeps, so that a store
// whose every row differs costs a string per row, as without interning, and no more.
const maxInterned = 4096

// interned hands out one string per distinct byte value seen. It remembers the last
// string of each column apart: a column mostly repeats the row before's value, where
// the columns of one row differ from each other.
type interned struct {
	m    map[string]string
	last [internedCols]string
}

// The columns whose strings claimReader interns, for interned.get.
const (
	colType = iota
	colSource
	colTLP
	colRel
	colNotFor
	colPublisher
	internedCols
)

// get returns b, a text of column col, as a string, shared with earlier calls for the
// same bytes.
func (in *interned) get(col int, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if string(b) == in.last[col] {
		return in.last[col]
	}
	s, ok := in.m[string(b)]
	if !ok {
		s = string(b)
		if len(in.m) < maxInterned {
			in.m[s] = s
		}
	}
	in.last[col] = s
	return s
}

// fastTime scans a time column of either engine: PostgreSQL hands over time.Time,
// SQLite the text of timeLayout, read here digit by digit (time.Parse is most of the
// cost of a claim otherwise); other text falls back to timeCol. It remembers the last
// text it parsed: a column often holds one time for a whole import's rows.
type fastTime struct {
	t     time.Time
	last  [len(timeLayout)]byte // the last text parseStoreTime read, when lastT is set
	lastT time.Time
}

// Scan implements sql.Scanner.
func (f *fastTime) Scan(v any) error {
	switch v := v.(type) {
	case string:
		if t, ok := parseStoreTime(v); ok {
			f.t = t
			return nil
		}
	case []byte:
		return f.scanText(v)
	}
	return timeCol{&f.t}.Scan(v)
}

// scanText is Scan for a time column's text as rawSQLite hands it over: nil for NULL.
func (f *fastTime) scanText(b []byte) error {
	if b == nil {
		f.t = time.Time{}
		return nil
	}
	if !f.lastT.IsZero() && string(b) == string(f.last[:]) {
		f.t = f.lastT
		return nil
	}
	if t, ok := parseStoreTime(b); ok {
		f.t, f.lastT = t, t
		copy(f.last[:], b)
		return nil
	}
	return timeCol{&f.t}.Scan(string(b))
}

// parseStoreTime parses "2006-01-02T15:04:05.000000Z", timeLayout, exactly.
func parseStoreTime[T string | []byte](s T) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
		s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	var f [7]int
	for i, span := range [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 26}} {
		n, ok := digits(s[span[0]:span[1]])
		if !ok {
			return time.Time{}, false
		}
		f[i] = n
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	if f[2] > daysIn(f[1], f[0]) { // 30 February: not a time the store wrote
		return time.Time{}, false
	}
	secs := daysSinceEpoch(f[0], f[1], f[2])*86400 + int64(f[3]*3600+f[4]*60+f[5])
	return time.Unix(secs, int64(f[6])*1000).UTC(), true
}

// daysIn is the number of days in month m of year y.
func daysIn(m, y int) int {
	switch {
	case m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0):
		return 29
	case m == 2:
		return 28
	case m == 4 || m == 6 || m == 9 || m == 11:
		return 30
	}
	return 31
}

// daysSinceEpoch is the number of days from 1970-01-01 to year y (0 to 9999), month m,
// day d of the proleptic Gregorian calendar: the days of whole 400-year eras, then of
// the years of this one counted from March, so that 29 February ends a year. It is what
// time.Date computes, without its normalising, which cost most of a parse.
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := (y+400)/400 - 1 // floor(y/400) for y from -1
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// digits reads a run of ASCII decimal digits.
func digits[T string | []byte](s T) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, true
}
