package intel

import (
	"path"
	"slices"
	"strings"
	"testing"
)

func TestDistinctNames(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{name: "none", paths: nil, want: []string{}},
		{name: "one keeps its file name", paths: []string{"/srv/intel/feed.txt"}, want: []string{"feed.txt"}},
		{name: "different file names", paths: []string{"/a/x.txt", "/a/y.txt"}, want: []string{"x.txt", "y.txt"}},
		{name: "same file name, folders tell them apart",
			paths: []string{"/srv/dir1/feed.txt", "/srv/dir2/feed.txt", "/srv/dir2/other.txt"},
			want:  []string{"dir1/feed.txt", "dir2/feed.txt", "other.txt"}},
		{name: "as far up as it takes, and no further for the others",
			paths: []string{"/x/a/list.json", "/y/a/list.json", "/z/b/list.json"},
			want:  []string{"x/a/list.json", "y/a/list.json", "b/list.json"}},
		{name: "the same path twice is one name", paths: []string{"/a/feed.txt", "/a/feed.txt"}, want: []string{"feed.txt", "feed.txt"}},
		{name: "the same path twice beside another of its name",
			paths: []string{"/x/feed.txt", "/x/feed.txt", "/y/feed.txt"},
			want:  []string{"x/feed.txt", "x/feed.txt", "y/feed.txt"}},
		{name: "a path that is the end of another", paths: []string{"feed.txt", "dir/feed.txt"}, want: []string{"feed.txt", "dir/feed.txt"}},
		{name: "doubled and trailing slashes", paths: []string{"/a//dir1/feed/", "/a/dir2/feed"}, want: []string{"dir1/feed", "dir2/feed"}},
		{name: "warninglist folders", paths: []string{"builtin/public-resolvers", "/home/me/lists/public-resolvers", "/home/me/lists/rfc1918"},
			want: []string{"builtin/public-resolvers", "lists/public-resolvers", "rfc1918"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := distinctNames(tt.paths); !slices.Equal(got, tt.want) {
				t.Errorf("distinctNames(%q) = %q, want %q", tt.paths, got, tt.want)
			}
		})
	}
}

// TestNameInputs: sources are named after their files without the extension, and no
// name could be read as naming another input: it is no trailing part of another's path,
// with or without that path's extension.
func TestNameInputs(t *testing.T) {
	tests := []struct {
		name     string
		inputs   []input
		want     []string
		inherent bool // no name can avoid standing for another path without its extension
	}{
		{name: "one file", inputs: fileInputs("/srv/feed.txt"), want: []string{"feed"}},
		{name: "gzip and archive members lose every extension",
			inputs: fileInputs("/srv/month.csv.gz", "/srv/trails.tar!static/malware/examplebot.txt"), want: []string{"month", "examplebot"}},
		{name: "folders tell them apart", inputs: fileInputs("/srv/partner-a/feed.txt", "/srv/partner-b/feed.txt", "/srv/other.txt"),
			want: []string{"partner-a/feed", "partner-b/feed", "other"}},
		{name: "extensions tell them apart", inputs: fileInputs("/srv/feed.txt", "/srv/feed.csv"), want: []string{"feed.txt", "feed.csv"}},
		{name: "extensions and folders", inputs: fileInputs("/srv/dir5/feed.txt", "/srv/dir5/feed.csv", "/srv/dir5/sub/feed.txt"),
			want: []string{"dir5/feed.txt", "feed.csv", "sub/feed"}},
		{name: "stems that collide further up", inputs: fileInputs("/srv/a/feed.txt", "/srv/b/a/feed.csv", "/srv/c/feed.txt"),
			want: []string{"a/feed.txt", "feed.csv", "c/feed"}},
		// every trailing part of /srv/feed is one of /srv/feed.txt without its extension:
		// the extensionless file keeps its own name, the other shows its extension
		{name: "a file without an extension beside one with", inputs: fileInputs("/srv/feed", "/srv/feed.txt"),
			want: []string{"feed", "feed.txt"}, inherent: true},
		{name: "a MISP feed folder beside a file of its name",
			inputs: []input{{path: "/srv/feed", feed: true}, {path: "/srv/x/feed.json"}}, want: []string{"srv/feed", "feed.json"}},
		{name: "the same file twice is one name", inputs: fileInputs("/srv/feed.txt", "/srv/feed.txt", "/srv/feed.csv"),
			want: []string{"feed.txt", "feed.txt", "feed.csv"}},
		{name: "a file that is all extension", inputs: fileInputs("/srv/.txt", "/srv/a.txt"), want: []string{".txt", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nameInputs(tt.inputs)
			got := make([]string, len(tt.inputs))
			for i, in := range tt.inputs {
				got[i] = in.name
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("names %q, want %q", got, tt.want)
			}
			for i, n := range got { // the property itself
				if tt.inherent {
					break
				}
				for j, in := range tt.inputs {
					if in.path != tt.inputs[i].path && couldName(n, in.path) {
						t.Errorf("%q (for %s) could be read as naming %s", n, tt.inputs[i].path, tt.inputs[j].path)
					}
				}
			}
		})
	}
}

func fileInputs(paths ...string) []input {
	out := make([]input, len(paths))
	for i, p := range paths {
		out[i] = input{path: p}
	}
	return out
}

// couldName reports whether name is a trailing part of p, or of p without its extension.
func couldName(name, p string) bool {
	stem := path.Join(path.Dir(p), sourceName(path.Base(p)))
	for _, whole := range []string{p, stem} {
		if whole == name || strings.HasSuffix(whole, "/"+name) {
			return true
		}
	}
	return false
}
