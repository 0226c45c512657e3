package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

// listFunc lists one page of a list from cursor, limit rows at most.
type listFunc[T any] func(cursor string, limit int) ([]T, string, error)

// sortCase is one order of a list and the order the domain says its rows come in.
type sortCase[S ~string, T any] struct {
	sort S
	cmp  func(a, b T) int
}

// checkSorted pages through every order of a list at several page sizes, each page
// from the last one's cursor, and checks the rows come out as sorting all by the
// order's cmp puts them: none repeated or skipped, ties included. key names a row;
// list lists a page in an order.
func checkSorted[S ~string, T any](t *testing.T, all []T, key func(T) string, list func(S) listFunc[T], cases ...sortCase[S, T]) {
	t.Helper()
	for _, tc := range cases {
		sorted := slices.Clone(all)
		slices.SortStableFunc(sorted, tc.cmp)
		want := make([]string, len(sorted))
		for i, r := range sorted {
			want[i] = key(r)
		}
		for _, limit := range []int{1, 2, 3, 1000} {
			t.Run(fmt.Sprintf("%q by %d", tc.sort, limit), func(t *testing.T) {
				got := walkPages(t, list(tc.sort), limit, key)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("listed (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// walkPages lists every page of list, limit rows at a time, and returns the rows' keys.
func walkPages[T any](t *testing.T, list listFunc[T], limit int, key func(T) string) []string {
	t.Helper()
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		rows, next, err := list(cursor, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) > limit {
			t.Fatalf("page of %d rows, limit %d", len(rows), limit)
		}
		for _, r := range rows {
			got = append(got, key(r))
		}
		if next == "" || pages > 200 {
			return got
		}
		cursor = next
	}
}

// checkSortErrors checks a list refuses a made-up order, naming the orders, and a
// cursor of one order used with another. first and second are two orders of the list.
func checkSortErrors[S ~string, T any](t *testing.T, list func(S) listFunc[T], first, second S, names string) {
	t.Helper()
	_, next, err := list(first)("", 1)
	if err != nil || next == "" {
		t.Fatalf("first page by %s: next %q, %v", first, next, err)
	}
	_, _, err = list(second)(next, 1)
	wantError(t, err, vigil.EINVALID, fmt.Sprintf("sorted by %s, not by %s", first, second))
	_, _, err = list("colour")("", 1)
	wantError(t, err, vigil.EINVALID, `sort "colour" is not one of `+names)
}

// checkOrdered lists a list that is not paged in each order and checks the rows come
// out as sorting all by the order's cmp puts them.
func checkOrdered[S ~string, T any](t *testing.T, all []T, key func(T) string, list func(S) ([]T, error), cases ...sortCase[S, T]) {
	t.Helper()
	for _, tc := range cases {
		sorted := slices.Clone(all)
		slices.SortStableFunc(sorted, tc.cmp)
		rows, err := list(tc.sort)
		if err != nil {
			t.Fatalf("sort %q: %v", tc.sort, err)
		}
		want, got := make([]string, len(sorted)), make([]string, len(rows))
		for i := range sorted {
			want[i] = key(sorted[i])
		}
		for i := range rows {
			got[i] = key(rows[i])
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sort %q (-want +got):\n%s", tc.sort, diff)
		}
	}
	_, err := list("colour")
	wantError(t, err, vigil.EINVALID, `sort "colour" is not one of`)
}
