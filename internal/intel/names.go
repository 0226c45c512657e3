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
	for i, n := range pathNames(paths, stem) {
		inputs[i].name = n
	}
}

// distinctNames names each of paths (slash-separated) by the shortest run of its last
// elements that no other path ends with: feeds/a/list.txt and feeds/b/list.txt become
// a/list.txt and b/list.txt, a path whose file name is its own keeps just that. The same
// path given twice is one thing and gets one name.
func distinctNames(paths []string) []string { return pathNames(paths, nil) }

// pathNames names each of paths (slash-separated) by its shortest trailing part that
// stands for it alone. With stem given, a part stands for every path that ends with it
// with or without its extension (see sourceName), and path i is named without its
// extension where stem[i] says so and that part stands for it alone; without stem, for
// every path that ends with it. A path each of whose parts stands for another too (feed
// beside feed.txt, or feed.txt beside dir/feed.txt) is named by the shortest part no other
// path ends with, or whole.
func pathNames(paths []string, stem []bool) []string {
	x := nameIndex{elems: make([][]string, len(paths)), stems: stem != nil, owners: map[partLen]map[string]string{}}
	for i, p := range paths {
		x.elems[i] = pathElems(p)
	}
	out := make([]string, len(paths))
	for i := range paths {
		out[i] = x.name(i, stem != nil && stem[i])
	}
	return out
}

// nameIndex says which path each trailing part of the paths could stand for; built one
// length of trailing part at a time, as needed.
type nameIndex struct {
	elems  [][]string
	stems  bool                          // whether a part stands for the paths that end with it without their extension too
	owners map[partLen]map[string]string // trailing part → whole path, "" for two or more
}

// partLen is a length of trailing part and whether parts without the extension count.
type partLen struct {
	k     int
	stems bool
}

// name is path i's name, without its extension when stem and that part is its alone.
func (x *nameIndex) name(i int, stem bool) string {
	e := x.elems[i]
	whole := lastElems(e, len(e))
	for k := 1; k <= len(e); k++ {
		if s := stemElems(e, k); stem && x.owner(partLen{k, x.stems}, s) == whole {
			return s
		}
		if t := lastElems(e, k); x.owner(partLen{k, x.stems}, t) == whole {
			return t
		}
	}
	for k := 1; k <= len(e); k++ { // every part is another's too, without its extension
		if t := lastElems(e, k); x.owner(partLen{k, false}, t) == whole {
			return t
		}
	}
	return whole
}

// owner is the one path that the trailing part t, l.k elements long, could stand for; ""
// when several could.
func (x *nameIndex) owner(l partLen, t string) string {
	m, ok := x.owners[l]
	if !ok {
		m = map[string]string{}
		for _, e := range x.elems {
			if len(e) < l.k {
				continue
			}
			whole := lastElems(e, len(e))
			claim(m, lastElems(e, l.k), whole)
			if l.stems {
				claim(m, stemElems(e, l.k), whole)
			}
		}
		x.owners[l] = m
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

// stemElems is lastElems, n ≥ 1 of elems, with the last element's extension dropped (see
// sourceName); a file that is all extension (".txt") keeps it.
func stemElems(elems []string, n int) string {
	last := len(elems) - 1
	s := cmp.Or(sourceName(elems[last]), elems[last])
	if dir := lastElems(elems[:last], n-1); n > 1 && dir != "" {
		return dir + "/" + s
	}
	return s
}

// pathElems splits a slash-separated path into its elements, empty ones left out.
func pathElems(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// lastElems joins the last n of elems with "/".
func lastElems(elems []string, n int) string {
	return strings.Join(elems[max(len(elems)-n, 0):], "/")
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
