package intel

import (
	"slices"
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
