package intel

import (
	"path/filepath"
	"strings"
)

// distinctNames names each of paths (slash-separated) by the shortest run of its last
// elements that no other path ends with: feeds/a/list.txt and feeds/b/list.txt become
// a/list.txt and b/list.txt, a path whose file name is its own keeps just that. The same
// path given twice is one thing and gets one name.
func distinctNames(paths []string) []string {
	elems := make([][]string, len(paths))
	keep := make([]int, len(paths)) // how many last elements name each path
	pending := make([]int, len(paths))
	for i, p := range paths {
		elems[i] = strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
		keep[i], pending[i] = 1, i
	}
	// Every round lengthens the names that still clash by one element; all the names
	// compared in a round are as long, so a settled name never equals a later one.
	for len(pending) > 0 {
		clash := map[string][]int{}
		for _, i := range pending {
			k := lastElems(elems[i], keep[i])
			clash[k] = append(clash[k], i)
		}
		pending = pending[:0]
		for _, group := range clash {
			if samePaths(elems, group) {
				continue
			}
			for _, i := range group {
				if keep[i] < len(elems[i]) {
					keep[i]++
					pending = append(pending, i)
				}
			}
		}
	}
	out := make([]string, len(paths))
	for i := range paths {
		out[i] = lastElems(elems[i], keep[i])
	}
	return out
}

// lastElems joins the last n of elems with "/".
func lastElems(elems []string, n int) string {
	return strings.Join(elems[max(len(elems)-n, 0):], "/")
}

// samePaths reports whether the paths at the indexes group are all the same path.
func samePaths(elems [][]string, group []int) bool {
	for _, i := range group[1:] {
		if lastElems(elems[i], len(elems[i])) != lastElems(elems[group[0]], len(elems[group[0]])) {
			return false
		}
	}
	return true
}

// slashAbs is p made absolute (when it can be) and slash-separated, so that two names
// for one file compare equal and a relative path has the folders above it to be told
// apart by.
func slashAbs(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return filepath.ToSlash(p)
}
