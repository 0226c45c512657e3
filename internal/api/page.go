package api

import (
	"encoding/base64"
	"encoding/json"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
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
		return store.DefaultLimit
	}
	return min(n, store.MaxLimit)
}
