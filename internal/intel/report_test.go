package intel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestReportReasons counts a tarball's problems per reason, the value each names left
// out, with the member file of the first example, whether its members are read one
// after another or in parallel (whose per-input reports are merged).
func TestReportReasons(t *testing.T) {
	tarball := loadTestTar(t,
		"static/malicious/a.txt", "evil.example.com\nlocalhost\n10.1.2.3\nfoo.exe\n",
		"static/malicious/b.txt", "mailhost\nbar.exe\nrouter\n")
	path := filepath.Join(t.TempDir(), "trails.tar")
	if err := os.WriteFile(path, tarball, 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"rejected: … is a single label, not a domain name":         3,
		"rejected: …: .… is not a top-level domain (a file name?)": 2,
	}
	for _, workers := range []int{1, 2} {
		rep, err := LoadParallel([]string{path}, Options{}, workers, func(vigil.Indicator) {})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range rep.ByCount() {
			if c.Kind == ProblemRejected {
				got[c.Kind+": "+c.Reason] = c.Count
			}
		}
		if len(got) != len(want) {
			t.Errorf("workers=%d: reasons %v, want %v", workers, got, want)
		}
		for k, n := range want {
			if got[k] != n {
				t.Errorf("workers=%d: %q counted %d, want %d (all: %v)", workers, k, got[k], n, got)
			}
		}
		top := rep.ByCount()[0]
		if top.Count != 3 || !strings.HasSuffix(top.Example.File, "!static/malicious/a.txt") || top.Example.Line != 2 {
			t.Errorf("workers=%d: most frequent reason %+v, want 3 with the example on a.txt line 2", workers, top)
		}
	}
}

// TestReasonClass leaves the value out of a reason, wherever the normaliser put it.
func TestReasonClass(t *testing.T) {
	tests := []struct{ name, value, reason, want string }{
		{"quoted", "Localhost", `"localhost" is a single label, not a domain name`, "… is a single label, not a domain name"},
		{"leading", "Foo.EXE.", "foo.exe: .exe is not a top-level domain (a file name?)", "…: .… is not a top-level domain (a file name?)"},
		{"inside", "0.0.0.0/1", "network 0.0.0.0/1 is wider than /8 and would match too much of the internet", "network … is wider than /8 and would match too much of the internet"},
		{"no value in it", "http//x", "not a valid URL (expected scheme://host/path)", "not a valid URL (expected scheme://host/path)"},
		{"a short value left in words", "a", "not a valid domain name", "not a valid domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonClass(tt.value, tt.reason); got != tt.want {
				t.Errorf("reasonClass(%q, %q) = %q, want %q", tt.value, tt.reason, got, tt.want)
			}
		})
	}
}
