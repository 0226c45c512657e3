package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// rowMatchableColumn is matchableColumns as SQLite hands them to a rebuild: one text
// per row. Through the pure-Go SQLite driver each column of each row costs several
// locked calls and an allocation, most of a rebuild's time; one column costs one, and
// format builds it in one step where || would copy it at every one. Fields are separated
// by tabs, and none of the first fourteen holds one: times are timeLayout or NULL
// (empty), numbers are decimal, types, TLPs and grades are codes, labels are JSON (which
// escapes control characters) and source names have none (vigil.SourceName). The claim's
// fields that repeat from row to row (a feed's indicators share them) come together, so
// that a claim equal to the row before's is not parsed again. The texts that may hold
// anything (not_for_matching, publisher, ref, value) come last, back to back, after
// their lengths in bytes. format stops a text at a NUL byte: such a row is shorter than
// its lengths say, and scanRow reports errNULText rather than misread it.
const rowMatchableColumn = "format('%d\t%s\t%s\t" + // id, type, last_sighted
	"%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t" + // the claim, as parseClaim reads it
	"%d\t%d\t%d\t%d\t%s%s%s%s', " + // not_for_matching, publisher, ref and value: lengths, then texts
	`i.id, i.type, i.last_sighted,
	s.tlp, s.reliability, s.credibility, s.confidence, s.valid_from, s.valid_until, s.first_seen, s.last_seen,
	s.published_at, s.labels, s.source,
	octet_length(s.not_for_matching), octet_length(s.publisher), octet_length(s.ref), octet_length(i.value),
	s.not_for_matching, s.publisher, s.ref, i.value)`

// rowClaimReader returns a reader of rowMatchableColumn.
func rowClaimReader() *claimReader {
	return &claimReader{strs: interned{m: map[string]string{}}, labelSets: map[string][]string{}, row: true}
}

// claimFields is how many tab-terminated fields the claim of a rowMatchableColumn has.
const claimFields = 11

// errNULText reports a row of rowMatchableColumn whose texts hold a NUL byte: it must be
// read with matchableColumns.
var errNULText = errors.New("a text holds a NUL byte")

// scanRow reads one row of rowMatchableColumn and returns its indicator id. The row's
// text is not copied: Ref is a slice of it (the caller copies what it keeps, as
// match.Builder does), and valueString copies the value.
func (r *claimReader) scanRow(rows *sql.Rows) (int64, error) {
	if err := rows.Scan(&r.rowText); err != nil {
		return 0, err
	}
	rest := r.rowText
	var f [3]string
	for i := range f {
		var ok bool
		if f[i], rest, ok = strings.Cut(rest, "\t"); !ok {
			return 0, fmt.Errorf("read a matchable row: %d fields, want more", i+1)
		}
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read a matchable row: id: %w", err)
	}
	claim, rest, err := cutFields(rest, claimFields)
	if err != nil {
		return 0, fmt.Errorf("claim of indicator %d: %w", id, err)
	}
	if !r.claimAny || claim != r.claim {
		if err := r.parseClaim(claim); err != nil {
			return 0, fmt.Errorf("claim of indicator %d: %w", id, err)
		}
		r.claim, r.claimAny = claim, true
	}
	texts, err := cutTexts(rest)
	if err != nil {
		return 0, fmt.Errorf("indicator %d: %w", id, err)
	}
	r.typVal = vigil.IndicatorType(r.strs.getString(f[1]))
	var sighted fastTime
	if f[2] != "" {
		if err := sighted.Scan(f[2]); err != nil {
			return 0, fmt.Errorf("indicator %d: %w", id, err)
		}
	}
	r.lastSighted = sighted.t
	r.src = r.claimSrc
	r.src.NotForMatching, r.src.Publisher, r.src.Ref = r.strs.getString(texts[0]), r.strs.getString(texts[1]), texts[2]
	r.rowValue = texts[3]
	return id, nil
}

// cutFields returns the first n tab-terminated fields of s (with their tabs) and the rest.
func cutFields(s string, n int) (fields, rest string, err error) {
	end := 0
	for i := range n {
		j := strings.IndexByte(s[end:], '\t')
		if j < 0 {
			return "", "", fmt.Errorf("%d fields, want %d", i, n)
		}
		end += j + 1
	}
	return s[:end], s[end:], nil
}

// cutTexts splits the end of a rowMatchableColumn: four lengths, then the four texts.
func cutTexts(s string) ([4]string, error) {
	var texts [4]string
	var n [4]int
	total := 0
	for i := range n {
		l, rest, ok := strings.Cut(s, "\t")
		var err error
		if n[i], err = strconv.Atoi(l); !ok || err != nil || n[i] < 0 {
			return texts, fmt.Errorf("length %d of the texts: %q", i, l)
		}
		s, total = rest, total+n[i]
	}
	if len(s) != total {
		return texts, errNULText
	}
	for i := range texts {
		texts[i], s = s[:n[i]], s[n[i]:]
	}
	return texts, nil
}

// parseClaim parses the claim fields of a rowMatchableColumn into claimSrc.
func (r *claimReader) parseClaim(claim string) error {
	var f [claimFields]string
	for i := range f {
		f[i], claim, _ = strings.Cut(claim, "\t")
	}
	cred, err1 := strconv.Atoi(f[2])
	conf, err2 := strconv.Atoi(f[3])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	var src vigil.IndicatorSource
	p := &src.Provenance
	p.TLP, p.Source = vigil.TLP(r.strs.getString(f[0])), r.strs.getString(f[10])
	p.Reliability, p.Credibility = gradeOf(r.strs.getString(f[1]), cred)
	p.Confidence = conf
	for i, t := range []*time.Time{&p.ValidFrom, &p.ValidUntil, &p.FirstSeen, &p.LastSeen, &src.Published} {
		var ft fastTime
		if f[4+i] != "" {
			if err := ft.Scan(f[4+i]); err != nil {
				return err
			}
		}
		*t = ft.t
	}
	r.labels = append(r.labels[:0], f[9]...)
	var err error
	if p.Labels, err = r.labelSet(); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	r.claimSrc = src
	return nil
}
