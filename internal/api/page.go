package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/vigil-health/vigil"
)

// PageParams are the query parameters of every list: where to continue and how many.
type PageParams struct {
	Cursor string `query:"cursor" maxLength:"512" doc:"Continue from a previous page: pass its next_cursor unchanged."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"50" doc:"Items per page."`
}

// Page is one page of a list. NextCursor is absent on the last page.
type Page[T any] struct {
	// Items are this page's items.
	Items []T `json:"items" nullable:"false"`
	// NextCursor fetches the next page when passed as ?cursor=; absent on the last page.
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as ?cursor= to get the next page; absent on the last page."`
}

// pageOut is the response of a list operation.
type pageOut[T any] struct {
	Body Page[T]
}

func newPage[T any](items []T, next string) *pageOut[T] {
	if items == nil {
		items = []T{}
	}
	return &pageOut[T]{Body: Page[T]{Items: items, NextCursor: next}}
}

// mapSlice converts each item of in.
func mapSlice[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// Lists the store cannot page across several organisations (a supplier's customers)
// are paged here with a cursor of our own: the organisation reached and the store's
// cursor within it, as base64url JSON.
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

// scopedList is a list the store pages one organisation at a time, answered as far as
// the caller's scope allows.
type scopedList[R, T any] struct {
	sc scope
	// list reads one page of org's rows from the store; every organisation's for "".
	list func(ctx context.Context, org string, page PageParams) ([]R, string, error)
	// sees reports whether the caller may see a row.
	sees func(R) bool
	// out is a row as the API answers it.
	out func(R) T
}

// page lists what the caller may see, newest first: every organisation's for sector
// roles (org to pick one), their own for organisation roles, and for a supplier its
// own and its customers', one organisation after another.
func (l scopedList[R, T]) page(ctx context.Context, org string, pg PageParams) (*pageOut[T], error) {
	switch {
	case l.sc.all && org == "":
	case org != "":
		code, err := vigil.NormalizeODS(org)
		if err != nil || !l.sc.seesOrg(code) {
			return nil, orgNotFound(org)
		}
		org = code
	case len(l.sc.customers) == 0:
		org = l.sc.own
	default:
		return l.orgs(ctx, pg)
	}
	return l.one(ctx, org, pg)
}

// one lists a page of org's rows as the store pages them ("" for every organisation's).
func (l scopedList[R, T]) one(ctx context.Context, org string, pg PageParams) (*pageOut[T], error) {
	rows, next, err := l.list(ctx, org, pg)
	if err != nil {
		return nil, err
	}
	return newPage(l.visible(rows), next), nil
}

// orgs lists the rows of every organisation a supplier sees, one after another in
// ODS-code order, each newest first. (A store filter on several organisations would
// let this be one query, newest first overall.)
func (l scopedList[R, T]) orgs(ctx context.Context, pg PageParams) (*pageOut[T], error) {
	cur, err := decodeMultiCursor(pg.Cursor)
	if err != nil {
		return nil, err
	}
	orgs := l.sc.codes()
	start, found := slices.BinarySearch(orgs, cur.Org)
	if !found {
		cur.Cursor = ""
	}
	limit := limitOf(pg.Limit)
	var items []T
	for i := start; i < len(orgs); i++ {
		p := PageParams{Limit: limit - len(items)}
		if i == start {
			p.Cursor = cur.Cursor
		}
		rows, next, err := l.list(ctx, orgs[i], p)
		if err != nil {
			return nil, err
		}
		items = append(items, l.visible(rows)...)
		switch {
		case next != "":
			return newPage(items, multiCursor{Org: orgs[i], Cursor: next}.encode()), nil
		case len(rows) == p.Limit && i+1 < len(orgs):
			return newPage(items, multiCursor{Org: orgs[i+1]}.encode()), nil
		}
	}
	return newPage(items, ""), nil
}

// visible converts the rows the caller may see.
func (l scopedList[R, T]) visible(rows []R) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		if l.sees(r) {
			out = append(out, l.out(r))
		}
	}
	return out
}
