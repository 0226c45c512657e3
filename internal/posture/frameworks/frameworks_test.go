package frameworks

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestShippedFrameworks(t *testing.T) {
	want := []struct {
		id                     string
		sections, groups, item int
	}{
		{"checklist", 1, 1, 8},
		{"dspt", 10, 11, 22},
		{"caf", 4, 14, 41},
	}
	fws := All()
	if len(fws) != len(want) {
		t.Fatalf("%d frameworks, want %d", len(fws), len(want))
	}
	for i, w := range want {
		f := fws[i]
		groups := 0
		for _, s := range f.Sections {
			groups += len(s.Groups)
		}
		if f.ID != w.id || len(f.Sections) != w.sections || groups != w.groups || len(f.Items()) != w.item {
			t.Errorf("framework %d: %s with %d sections, %d groups, %d items; want %+v", i, f.ID, len(f.Sections), groups, len(f.Items()), w)
		}
	}
	if _, err := Get("nope"); vigil.ErrorCode(err) != vigil.ENOTFOUND || !strings.Contains(err.Error(), "checklist, dspt, caf") {
		t.Errorf("Get(nope) = %v, want not_found listing the frameworks", err)
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	const item = `{"id":"a","text":"A","target":"done"}`
	wrap := func(items string) string {
		return `{"id":"f","version":"1","title":"F","scale":"yes_no","sections":[{"id":"s","title":"S","groups":[{"id":"g","title":"G","items":[` + items + `]}]}]}`
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"syntax error names the line", "{\n\"id\": \"f\",\n oops}", "bad.json: line 3"},
		{"unknown field", `{"id":"f","colour":"red"}`, `unknown field "colour"`},
		{"wrong type names the field", `{"id":"f","sections":"x"}`, "field sections should be"},
		{"empty file", ``, "ends before the framework does"},
		{"trailing data", wrap(item) + "\n{}", "more after the framework"},
		{"no sections", `{"id":"f","version":"1","title":"F","scale":"yes_no"}`, "at least one section"},
		{"unknown scale", `{"id":"f","version":"1","title":"F","scale":"stars","sections":[]}`, `scale "stars"`},
		{"duplicate id", wrap(item + "," + item), `id "a" is used already at sections[0].groups[0].items[0]`},
		{"id clashes with group", wrap(`{"id":"g","text":"A"}`), `id "g" is used already at sections[0].groups[0]`},
		{"bad id", wrap(`{"id":"a b","text":"A"}`), `items[0]: id "a b"`},
		{"empty text", wrap(`{"id":"a","text":" "}`), "(a): the title or text is empty"},
		{"target off the scale", wrap(`{"id":"a","text":"A","target":"achieved"}`), `target "achieved" is not a passing grade`},
		{"failing target", wrap(`{"id":"a","text":"A","target":"not_done"}`), `target "not_done"`},
		{"unknown fact", wrap(`{"id":"a","text":"A","fact":"moon"}`), `fact "moon" is not one vigil knows`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("dir/bad.json", []byte(tc.in))
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse = %v, want invalid containing %q", err, tc.want)
			}
		})
	}
	if _, err := Parse("ok.json", []byte(wrap(item))); err != nil {
		t.Errorf("a good file: %v", err)
	}
}

// FuzzParse checks that no file makes the parser panic, and that whatever it accepts
// is a framework whose items can be scored.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"checklist.json", "dspt.json", "caf.json"} {
		b, err := files.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"f","version":"1","title":"F","scale":"caf","sections":[{"id":"s","title":"S","groups":[{"id":"g","title":"G","items":[{"id":"a","text":"A","target":"partially_achieved","fact":"inventory_recent"}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fw, err := Parse("fuzz.json", b)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, it := range fw.Items() {
			if seen[it.ID] {
				t.Fatalf("accepted duplicate item id %q", it.ID)
			}
			seen[it.ID] = true
		}
		if r := Score(fw, nil, nil, fixedNow); len(r.Items) != len(fw.Items()) || r.Score.Percent != 0 {
			t.Fatalf("scoring an accepted framework with no answers: %+v", r.Score)
		}
	})
}
