package pages

import (
	"net/url"
)

// sortHead is a column header that sorts the list: where it leads and, on the column
// the list is sorted by, its aria-sort (ascending or descending), which the template
// also shows as an arrow so that sighted users see it too.
type sortHead struct {
	Href, AriaSort string
}

// sortHeads are a table's sorting headers by column name; a column that does not sort
// has none (nil), so its header is plain text.
type sortHeads map[string]*sortHead

// sortCol is a column that sorts a list: clicking it asks for By, which runs Asc or
// descending; clicking it again, when the list is already in By, asks for Back (the
// same column the other way round), when the column has one.
type sortCol[S ~string] struct {
	Name string
	By   S
	Asc  bool
	Back S
}

// newSortHeads makes the headers of a list at path with query q sorted by cur (its
// default order def): each leads to the same filters in its own order from the first
// page, and the column the list is sorted by is marked and turns the order round.
func newSortHeads[S ~string](path string, q url.Values, cur, def S, cols ...sortCol[S]) sortHeads {
	link := func(to S) string {
		if to == def {
			to = "" // the default keeps addresses short
		}
		return withQuery(path, q, "sort", string(to), "cursor", "")
	}
	h := make(sortHeads, len(cols))
	for _, c := range cols {
		head := &sortHead{Href: link(c.By)}
		switch {
		case cur == c.By:
			head.AriaSort = ascending(c.Asc)
			if c.Back != "" {
				head.Href = link(c.Back)
			}
		case c.Back != "" && cur == c.Back:
			head.AriaSort = ascending(!c.Asc)
		}
		h[c.Name] = head
	}
	return h
}

func ascending(asc bool) string {
	if asc {
		return "ascending"
	}
	return "descending"
}
