package cli

import (
	"strings"
	"testing"
)

func TestComponentFromPURL(t *testing.T) {
	tests := []struct{ purl, eco, name, version string }{
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"},
		{"pkg:npm/%40babel/core@7.0.0", "npm", "@babel/core", "7.0.0"},
		{"pkg:pypi/Jinja2@2.10?extra=x#sub", "PyPI", "Jinja2", "2.10"},
		{"pkg:golang/golang.org/x/net@v0.1.0", "Go", "golang.org/x/net", "v0.1.0"},
		{"pkg:generic/care-plan-app@4.2", "", "care-plan-app", "4.2"},
	}
	for _, tt := range tests {
		c, err := componentFromPURL(tt.purl)
		if err != nil || c.Ecosystem != tt.eco || c.Name != tt.name || c.Version != tt.version {
			t.Errorf("%s: got %+v, %v", tt.purl, c, err)
		}
	}
	for _, bad := range []string{"maven/x@1", "pkg:", "pkg:npm", "pkg:npm/%zz@1"} {
		if _, err := componentFromPURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzVulnInputLines feeds arbitrary lines to the stop-gap purl and go.mod readers:
// they may reject a line but never panic, and what they accept has a name.
func FuzzVulnInputLines(f *testing.F) {
	f.Add("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", true)
	f.Add("require golang.org/x/net v0.1.0 // indirect", false)
	f.Add("toolchain go1.24.3", false)
	f.Fuzz(func(t *testing.T, line string, purl bool) {
		read := readGoMod
		if purl {
			read = readPurlList
		}
		st := &lineState{inRequire: strings.Contains(line, "(")}
		if c, _ := read(st, line); c != nil && c.Name == "" {
			t.Fatalf("%q: component without a name", line)
		}
	})
}
