package alerts

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/vigil-health/vigil"
)

// orgLister pages a list the store pages one organisation at a time, as far as an
// audience may see it. A supplier's list spans several organisations, which the store
// cannot page as one; orgs pages them with a cursor of its own (multiCursor).
type orgLister[R any] struct {
	aud vigil.Audience
	// list reads one page of org's rows from the store; every organisation's for "".
	list func(ctx context.Context, org, cursor string, limit int) ([]R, string, error)
	// sees reports whether the audience may see a row.
	sees func(R) bool
}

// page lists what the audience may see, newest first: every organisation's for sector
// roles (org to pick one), their own for organisation roles, and for a supplier its own
// and its customers', one organisation after another.
func (l orgLister[R]) page(ctx context.Context, org, cursor string, limit int) ([]R, string, error) {
	switch {
	case l.aud.All && org == "":
	case org != "":
		code, err := vigil.NormalizeODS(org)
		if err != nil || !l.aud.SeesOrg(code) {
			return nil, "", orgNotFound(org)
		}
		org = code
	case len(l.aud.Customers) == 0:
		org = l.aud.Own
	default:
		return l.orgs(ctx, cursor, limit)
	}
	return l.one(ctx, org, cursor, limit)
}

// one lists a page of org's rows as the store pages them ("" for every organisation's).
func (l orgLister[R]) one(ctx context.Context, org, cursor string, limit int) ([]R, string, error) {
	rows, next, err := l.list(ctx, org, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	return l.visible(rows), next, nil
}

// orgs lists the rows of every organisation a supplier sees, one after another in
// ODS-code order, each newest first. (A store filter on several organisations would
// let this be one query, newest first overall.)
func (l orgLister[R]) orgs(ctx context.Context, cursor string, limit int) ([]R, string, error) {
	cur, err := decodeMultiCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	orgs := l.aud.Orgs()
	start, found := slices.BinarySearch(orgs, cur.Org)
	if !found {
		cur.Cursor = ""
	}
	limit = limitOf(limit)
	var items []R
	for i := start; i < len(orgs); i++ {
		want, from := limit-len(items), ""
		if i == start {
			from = cur.Cursor
		}
		rows, next, err := l.list(ctx, orgs[i], from, want)
		if err != nil {
			return nil, "", err
		}
		items = append(items, l.visible(rows)...)
		switch {
		case next != "":
			return items, multiCursor{Org: orgs[i], Cursor: next}.encode(), nil
		case len(rows) == want && i+1 < len(orgs):
			return items, multiCursor{Org: orgs[i+1]}.encode(), nil
		}
	}
	return items, "", nil
}

// visible keeps the rows the audience may see.
func (l orgLister[R]) visible(rows []R) []R {
	return slices.DeleteFunc(rows, func(r R) bool { return !l.sees(r) })
}

// multiCursor is where a list across several organisations continues: the organisation
// reached and the store's cursor within it, sent as base64url JSON.
type multiCursor struct {
	Org    string `json:"o"`
	Cursor string `json:"c,omitempty"`
}

func (c multiCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeMultiCursor(s string) (multiCursor, error) {
	var c multiCursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Org == "" {
		return c, vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	return c, nil
}

// limitOf is the page size for a requested limit, as the store applies it.
func limitOf(n int) int {
	if n <= 0 {
		return vigil.DefaultLimit
	}
	return min(n, vigil.MaxLimit)
}
