package api

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
