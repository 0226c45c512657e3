package intel

import (
	"cmp"
	"path/filepath"
	"strings"
)

// nameInputs names each input's source after its file without the extension, "feed" for
// feeds/a/feed.txt, and two inputs of the same file name after the shortest trailing part
// of their paths that tells them apart, "a/feed" and "b/feed": one name for both would
// merge two sources into one in reports, sightings and alerts. A name never stands for
// another input's path too, with or without its extension: an input whose name without
// the extension would (feed.txt beside feed.csv) keeps the extension, "feed.txt". (A file
// without one beside the same name with one, feed and feed.txt, keeps its own name: every
// trailing part of its path is one of the other's without the extension.)
func nameInputs(inputs []input) {
	paths := make([]string, len(inputs))
	stem := make([]bool, len(inputs))
	for i, in := range inputs {
		paths[i], stem[i] = slashAbs(in.path), !in.feed
	}
	for i, n := range readerNames(paths, stem) {
		inputs[i].name = n
	}
}

// readerNames names each of paths (slash-separated) as distinctNames does, without the
// extension where stem says so (see sourceName) and no other path of paths could be
// meant: no name is a trailing part of another path, or of another path without its
// extension. Where dropping the extension would make it so, the extension stays; where
// even that does not tell them apart, more of the path.
func readerNames(paths []string, stem []bool) []string {
	idx := nameIndex{elems: make([][]string, len(paths)), stem: stem, owners: map[int]map[string]string{}}
	for i, p := range paths {
		idx.elems[i] = pathElems(p)
	}
	out := distinctNames(paths)
	for i, n := range out {
		out[i] = idx.name(i, len(pathElems(n)), n)
	}
	return out
}

// nameIndex says which path each trailing part of the paths, with and without the
// extension, could stand for; built one length of trailing part at a time, as needed.
type nameIndex struct {
	elems  [][]string
	stem   []bool
	owners map[int]map[string]string // length → trailing part → whole path, "" for two or more
}

// name is the name of path i, which distinctNames named n, its last k elements.
func (x *nameIndex) name(i, k int, n string) string {
	whole := lastElems(x.elems[i], len(x.elems[i]))
	if x.stem[i] {
		if s := stemElems(x.elems[i], k); x.owner(k, s) == whole {
			return s
		}
	}
	for ; k <= len(x.elems[i]); k++ {
		if r := lastElems(x.elems[i], k); x.owner(k, r) == whole {
			return r
		}
	}
	return n
}

// owner is the one path that the trailing part t, k elements long, could stand for; ""
// when several could.
func (x *nameIndex) owner(k int, t string) string {
	m, ok := x.owners[k]
	if !ok {
		m = map[string]string{}
		for i, e := range x.elems {
			if len(e) < k {
				continue
			}
			whole := lastElems(e, len(e))
			claim(m, lastElems(e, k), whole)
			if x.stem[i] {
				claim(m, stemElems(e, k), whole)
			}
		}
		x.owners[k] = m
	}
	return m[t]
}

// claim notes that t could stand for the path whole.
func claim(m map[string]string, t, whole string) {
	if was, seen := m[t]; seen && was != whole {
		m[t] = ""
	} else if !seen {
		m[t] = whole
	}
}

// stemElems is lastElems with the last element's extension dropped (see sourceName);
// a file that is all extension (".txt") keeps it.
func stemElems(elems []string, n int) string {
	if len(elems) == 0 || n == 0 {
		return ""
	}
	last := len(elems) - 1
	s := cmp.Or(sourceName(elems[last]), elems[last])
	if dir := lastElems(elems[:last], n-1); n > 1 && dir != "" {
		return dir + "/" + s
	}
	return s
}

// distinctNames names each of paths (slash-separated) by the shortest run of its last
// elements that no other path ends with: feeds/a/list.txt and feeds/b/list.txt become
// a/list.txt and b/list.txt, a path whose file name is its own keeps just that. The same
// path given twice is one thing and gets one name.
func distinctNames(paths []string) []string {
	elems := make([][]string, len(paths))
	keep := make([]int, len(paths)) // how many last elements name each path
	pending := make([]int, len(paths))
	for i, p := range paths {
		elems[i] = pathElems(p)
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

// pathElems splits a slash-separated path into its elements, empty ones left out.
func pathElems(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
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
