package taxiitest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// filterParams are the objects-endpoint parameters that select objects (as opposed to
// paging through them). A next token remembers them, so a follow-up request may repeat
// them or leave them out, but may not change them.
var filterParams = []string{"added_after", "match[type]", "match[id]", "match[spec_version]", "match[version]"}

// query is one objects request: what to select and which page.
type query struct {
	addedAfter   time.Time
	types, ids   []string
	specVersions []string
	all          bool        // match[version]=all
	first, last  bool        // match[version]=first / last
	stamps       []time.Time // match[version]=<timestamp>
	limit        int
	offset       int
	filter       string // the canonical filter parameters, bound into next tokens
}

func parseQuery(v url.Values, maxPage int) (query, error) {
	q := query{limit: maxPage}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit %q is not a positive whole number", s)
		}
		q.limit = min(n, maxPage)
	}
	filters := url.Values{}
	for _, p := range filterParams {
		if vs := v[p]; len(vs) > 0 {
			filters[p] = vs
		}
	}
	if tok := v.Get("next"); tok != "" {
		off, f, err := decodeNext(tok)
		if err != nil {
			return q, errors.New("next is not a token this server issued")
		}
		if len(filters) > 0 && filters.Encode() != f {
			return q, errors.New("next was issued for other filters than these")
		}
		filters, _ = url.ParseQuery(f)
		q.offset = off
	}
	q.filter = filters.Encode()
	return q, q.setFilters(filters)
}

func (q *query) setFilters(f url.Values) error {
	if s := f.Get("added_after"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fmt.Errorf("added_after %q is not an RFC 3339 timestamp", s)
		}
		q.addedAfter = t
	}
	q.types, q.ids = split(f["match[type]"]), split(f["match[id]"])
	q.specVersions = split(f["match[spec_version]"])
	versions := split(f["match[version]"])
	if len(versions) == 0 {
		versions = []string{"last"}
	}
	for _, v := range versions {
		switch v {
		case "all":
			q.all = true
		case "first":
			q.first = true
		case "last":
			q.last = true
		default:
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return fmt.Errorf("match[version] %q is not all, first, last or a timestamp", v)
			}
			q.stamps = append(q.stamps, t)
		}
	}
	return nil
}

// split reads comma-separated parameter values, repeated or not.
func split(vs []string) []string {
	var out []string
	for _, v := range vs {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// selectFrom returns the entries the query's filters keep, in date_added order. As TAXII 2.1
// says, without match[spec_version] only the newest STIX version of each object is kept,
// and without match[version] only its newest version.
func (q query) selectFrom(all []entry) []entry {
	es := keep(all, func(e entry) bool {
		return (len(q.types) == 0 || slices.Contains(q.types, e.typ)) &&
			(len(q.ids) == 0 || slices.Contains(q.ids, e.id))
	})
	if len(q.specVersions) > 0 {
		es = keep(es, func(e entry) bool { return slices.Contains(q.specVersions, e.specVersion) })
	} else {
		newest := map[string]string{}
		for _, e := range es {
			newest[e.id] = max(newest[e.id], e.specVersion)
		}
		es = keep(es, func(e entry) bool { return e.specVersion == newest[e.id] })
	}
	es = q.byVersion(es)
	return keep(es, func(e entry) bool { return e.dateAdded.After(q.addedAfter) })
}

func (q query) byVersion(es []entry) []entry {
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for _, e := range es {
		if f, ok := first[e.id]; !ok || e.version.Before(f) {
			first[e.id] = e.version
		}
		if l, ok := last[e.id]; !ok || e.version.After(l) {
			last[e.id] = e.version
		}
	}
	return keep(es, func(e entry) bool {
		return q.all || (q.first && e.version.Equal(first[e.id])) || (q.last && e.version.Equal(last[e.id])) ||
			slices.ContainsFunc(q.stamps, e.version.Equal)
	})
}

func keep(es []entry, f func(entry) bool) []entry {
	var out []entry
	for _, e := range es {
		if f(e) {
			out = append(out, e)
		}
	}
	return out
}

// encodeNext makes the opaque token for the page starting at offset.
func encodeNext(offset int, filter string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + "\n" + filter))
}

func decodeNext(tok string) (offset int, filter string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", err
	}
	off, filter, ok := strings.Cut(string(b), "\n")
	if !ok {
		return 0, "", errors.New("no offset")
	}
	offset, err = strconv.Atoi(off)
	if err != nil || offset < 0 {
		return 0, "", errors.New("bad offset")
	}
	return offset, filter, nil
}
