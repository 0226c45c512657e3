package vigil

import (
	"slices"
	"strings"
)

// Every list a person sees can come in several orders, each a string type of its own
// (AlertSort, OrgSort…) with a list of its orders, the default first. Every order ends
// with the row's unique key, so that rows that tie keep one order and pages never
// repeat or skip one.

// sortOr returns s, or the default (the first of all) when s is empty.
func sortOr[S ~string](s S, all []S) S {
	if s == "" {
		return all[0]
	}
	return s
}

// checkSort returns an EINVALID error naming the choices when s is not one of all; the
// empty sort is the default.
func checkSort[S ~string](s S, all []S) error {
	if s == "" || slices.Contains(all, s) {
		return nil
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = string(v)
	}
	return Errorf(EINVALID, "sort %q is not one of %s", string(s), strings.Join(names, ", "))
}
