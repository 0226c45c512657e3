package vuln

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

const (
	recGHSA = `{"id":"GHSA-aaaa","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1"],
 "affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}`
	recGO = `{"id":"GO-2024-1","modified":"2024-01-01T00:00:00Z","aliases":["GHSA-aaaa"],
 "affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.1.5"}]}]}]}`
	recOld  = `{"id":"GO-2024-1","modified":"2023-01-01T00:00:00Z","affected":[]}`
	recGone = `{"id":"GO-2024-2","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
 "affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"versions":["1.1.0"]}]}`
	recGit = `{"id":"PYSEC-1","affected":[{"package":{"ecosystem":"PyPI","name":"Some_Pkg"},
 "ranges":[{"type":"GIT","repo":"r","events":[{"introduced":"0"},{"fixed":"abc"}]},{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.4"}]}]}]}`
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestLoadDirectory loads a directory with a zip inside, a broken record, a withdrawn
// one and an older duplicate, and checks what is kept, merged and reported.
func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a", "GHSA-aaaa.json"), recGHSA)
	writeFile(t, filepath.Join(dir, "a", "broken.json"), `{"id": "X", "affected": [`)
	writeFile(t, filepath.Join(dir, "b", "GO-2024-2.json"), recGone)
	writeFile(t, filepath.Join(dir, "b", "old.json"), recOld)
	writeZip(t, filepath.Join(dir, "more.zip"), map[string]string{"GO-2024-1.json": recGO, "PYSEC-1.json": recGit})

	db, problems, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !strings.HasSuffix(problems[0].File, "broken.json") {
		t.Errorf("problems %v, want broken.json only", problems)
	}
	st := db.Stats()
	if st.Advisories != 3 || st.Withdrawn != 1 || st.Duplicates != 1 || st.GitRangesIgnored != 1 {
		t.Errorf("stats %+v", st)
	}
	tests := []struct {
		name, eco, pkg, version string
		wantIDs                 []string
		wantAliases             []string
		wantFixed               []string
	}{
		{"aliases merged into one finding", "Go", "example.com/m", "v1.1.0",
			[]string{"GHSA-aaaa"}, []string{"CVE-2024-1", "GO-2024-1"}, []string{"1.1.5", "1.2.0"}},
		{"only the wider range", "Go", "example.com/m", "v1.1.7",
			[]string{"GHSA-aaaa"}, []string{"CVE-2024-1"}, []string{"1.2.0"}},
		{"fixed", "Go", "example.com/m", "1.2.0", nil, nil, nil},
		{"last_affected inclusive, PEP 503 name", "PyPI", "some.pkg", "1.4", []string{"PYSEC-1"}, []string{}, []string{}},
		{"after last_affected", "PyPI", "some-pkg", "1.4.1", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := db.Match([]vigil.Component{{Ecosystem: tt.eco, Name: tt.pkg, Version: tt.version}})
			if got := findingIDs(res.Findings); !slices.Equal(got, tt.wantIDs) {
				t.Fatalf("findings %v, want %v", got, tt.wantIDs)
			}
			if len(res.Findings) == 1 {
				f := res.Findings[0]
				if !slices.Equal(f.Aliases, tt.wantAliases) || !slices.Equal(f.Fixed, tt.wantFixed) {
					t.Errorf("aliases %v fixed %v, want %v %v", f.Aliases, f.Fixed, tt.wantAliases, tt.wantFixed)
				}
			}
		})
	}
}

// TestLoadOfflineLayout prefers osv-scalibr/<Ecosystem>/all.zip, so a cache that also
// holds the older osv-scanner/ copy does not count records twice.
func TestLoadOfflineLayout(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "osv-scalibr", "Go", "all.zip"), map[string]string{"GHSA-aaaa.json": recGHSA})
	writeZip(t, filepath.Join(dir, "osv-scanner", "Go", "all.zip"), map[string]string{"GHSA-aaaa.json": recGHSA})
	db, problems, err := Load(dir)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	if st := db.Stats(); st.Advisories != 1 || st.Duplicates != 0 {
		t.Errorf("stats %+v, want one record read once", st)
	}
	if _, _, err := Load(filepath.Join(dir, "nothing-here")); err == nil {
		t.Error("a missing path loaded")
	}
}

func TestUnmatchedReasons(t *testing.T) {
	db := NewDB([]Advisory{{ID: "X-1", Affected: []Affected{{Package: Package{Ecosystem: "PyPI", Name: "a"}, Versions: []string{"1"}},
		{Package: Package{Ecosystem: "Debian:12", Name: "openssl"}, Versions: []string{"3.0.1-1"}}}}})
	res := db.Match([]vigil.Component{
		{Vendor: "Kaspersky", Product: "Endpoint Security", Version: "11"},
		{Ecosystem: "PyPI", Name: "a"},
		{Ecosystem: "Debian:12", Name: "openssl", Version: "1.2.3-not-a-debian:version!@#$"},
		{Ecosystem: "npm", Name: "b", Version: "1.0.0"},
		{Ecosystem: "PyPI", Name: "a", Version: "1"},
	})
	if res.Checked != 1 || len(res.Findings) != 1 || len(res.Unmatched) != 4 {
		t.Fatalf("checked %d, findings %d, unmatched %+v", res.Checked, len(res.Findings), res.Unmatched)
	}
	for i, want := range []string{"not in a package ecosystem", "no version", "cannot be read as a Debian:12 version", "no advisories loaded for ecosystem npm"} {
		if !strings.Contains(res.Unmatched[i].Reason, want) {
			t.Errorf("unmatched[%d] %q, want %q", i, res.Unmatched[i].Reason, want)
		}
	}
}
