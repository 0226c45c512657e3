package intel

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestBuiltinWarninglists: the curated set loads whole, drops what names nothing (a public
// resolver, google.com itself, Windows' own file names, the hash of nothing) and flags a
// shared CDN address, while a subdomain of a top site or a URL on it stays an indicator.
func TestBuiltinWarninglists(t *testing.T) {
	wl, err := LoadWarninglistSetting("")
	if err != nil {
		t.Fatal(err)
	}
	if len(wl.Problems()) != 0 || len(wl.lists) != 5 {
		t.Fatalf("built-in set: %d lists, problems %v; want 5 and none", len(wl.lists), wl.Problems())
	}
	input := strings.Join([]string{"8.8.8.8", "2606:4700:4700::1111", "google.com", "phish.google.com", "https://github.com/attacker/payload.zip",
		"github.com", "d41d8cd98f00b204e9800998ecf8427e", "104.16.1.1", "198.51.100.7"}, "\n") + "\n"
	var kept []string
	rep, err := LoadReader(strings.NewReader(input), "list.txt", Options{Warninglists: wl}, func(i vigil.Indicator) {
		kept = append(kept, i.Value+" "+strings.Join(i.Provenance.Labels, ","))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"phish.google.com ", "https://github.com/attacker/payload.zip ",
		"104.16.1.1 warninglist:cdn-and-cloud-shared-addresses", "198.51.100.7 "}
	if strings.Join(kept, "|") != strings.Join(want, "|") {
		t.Errorf("kept %q, want %q", kept, want)
	}
	if rep.Warninglisted != 5 || rep.WarninglistedBy["public-resolvers"] != 2 || rep.WarninglistedBy["top-site-domains"] != 2 ||
		rep.Flagged != 1 || rep.FlaggedBy["cdn-and-cloud-shared-addresses"] != 1 {
		t.Errorf("report: warninglisted %d %v, flagged %d %v", rep.Warninglisted, rep.WarninglistedBy, rep.Flagged, rep.FlaggedBy)
	}
	if ex := rep.ListedExamples["public-resolvers"]; len(ex) != 2 || ex[0] != "8.8.8.8" {
		t.Errorf("examples of public-resolvers %v, want what it dropped", ex)
	}
	filenames, err := LoadReader(strings.NewReader("type,value,comment\nfilename,conhost.exe,x\nfilename,evil-dropper.exe,y\n"), "f.csv",
		Options{Warninglists: wl}, func(vigil.Indicator) {})
	if err != nil || filenames.Total != 1 || filenames.WarninglistedBy["windows-binary-names"] != 1 {
		t.Errorf("file names: %+v, %v; want conhost.exe dropped and the other kept", filenames, err)
	}
}

func TestWarninglistSetting(t *testing.T) {
	if wl, err := LoadWarninglistSetting("none"); wl != nil || err != nil {
		t.Errorf(`"none" = %v, %v; want no lists`, wl, err)
	}
	for _, bad := range []string{"/no/such/dir", "builtin,", "builtin,none"} {
		if _, err := LoadWarninglistSetting(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	both, err := LoadWarninglistSetting("builtin," + t.TempDir())
	if err == nil {
		t.Errorf("an empty directory beside builtin: %v lists, want an error naming it", both)
	}
}

// TestWarninglistSettingNames: lists are named after their folders, and lists whose
// folders share a name after as much of their paths as tells them apart, so that a
// report or a flagged indicator says which list knew the value.
func TestWarninglistSettingNames(t *testing.T) {
	list := func(v string) []byte {
		return []byte(`{"name": "MISP's own title", "type": "string", "matching_attributes": ["domain"], "list": ["` + v + `"]}`)
	}
	dir := t.TempDir()
	loadWriteFiles(t, dir, map[string][]byte{
		"a/list.json": list("a.example"), "b/list.json": list("b.example"),
		"x/lists/rfc1918/list.json": list("x.example"), "y/lists/rfc1918/list.json": list("y.example"),
		"y/lists/solo/list.json": list("solo.example"),
	})
	at := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	tests := []struct {
		name    string
		setting string
		want    []string          // Names
		lookup  map[string]string // value: the list that knows it
	}{
		{name: "lists given as folders holding list.json", setting: at("a") + "," + at("b"),
			want: []string{"a", "b"}, lookup: map[string]string{"a.example": "a", "b.example": "b"}},
		{name: "two sets with a list of one name", setting: at("x/lists") + "," + at("y/lists"),
			want:   []string{"x/lists/rfc1918", "y/lists/rfc1918", "solo"},
			lookup: map[string]string{"x.example": "x/lists/rfc1918", "y.example": "y/lists/rfc1918", "solo.example": "solo"}},
		{name: "one set keeps folder names", setting: at("y/lists"), want: []string{"rfc1918", "solo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := LoadWarninglistSetting(tt.setting)
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Names(); !slices.Equal(got, tt.want) {
				t.Errorf("Names = %q, want %q", got, tt.want)
			}
			for v, want := range tt.lookup {
				if name, _, ok := w.Lookup(vigil.TypeDomain, v); !ok || name != want {
					t.Errorf("Lookup(%s) = %q, %v; want %q", v, name, ok, want)
				}
			}
		})
	}
}
