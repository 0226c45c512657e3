package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHuntNamesSourcesAndListsApart: two intel files of one name in different folders
// stay two sources, and two warninglists given as folders holding a list.json stay two
// lists, each named by as much of its path as tells it apart, in the sightings.
func TestHuntNamesSourcesAndListsApart(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"partner-a/feed.txt": "nhs-login.example\n",
		"partner-b/feed.txt": "nhs-login.example\n",
		"flag-a/list.json":   `{"name": "A", "type": "hostname", "matching_attributes": ["domain"], "vigil_mode": "flag", "list": ["nhs-login.example"]}`,
		"flag-b/list.json":   `{"name": "B", "type": "hostname", "matching_attributes": ["domain"], "vigil_mode": "flag", "list": ["other.example"]}`,
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	at := func(rel string) string { return filepath.Join(dir, rel) }
	code, out, errOut := run(t, "", "hunt", "--iocs", at("partner-a/feed.txt")+","+at("partner-b/feed.txt"),
		"--warninglists", at("flag-a")+","+at("flag-b"), examples+"/logs/zeek-dns.ndjson")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"sources":["partner-a/feed","partner-b/feed"]`, `warninglist:flag-a`} {
		if !strings.Contains(out, want) {
			t.Errorf("sightings do not say %s:\n%s", want, out)
		}
	}
}
