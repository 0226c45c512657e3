package inventory

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// seedFuzz adds the fixtures matching pattern under testdata/inputs as seeds.
func seedFuzz(f *testing.F, pattern string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "inputs", pattern))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// fuzzFormat runs one format's parser on arbitrary bytes: it may refuse them, but must
// not panic, and whatever it keeps must say where it came from.
func fuzzFormat(f *testing.F, format string) {
	f.Fuzz(func(t *testing.T, data []byte) {
		inv := Inventory{Source: "fuzz"}
		_ = parsers[format](&inv, data)
		for _, c := range inv.Components {
			if c.Source != "fuzz" || (c.Name == "" && c.Product == "") {
				t.Fatalf("component %+v lacks its source or a name", c)
			}
		}
		for _, p := range inv.Problems {
			if p.Source != "fuzz" || p.Reason == "" {
				t.Fatalf("problem %+v lacks its source or reason", p)
			}
		}
	})
}

func FuzzCycloneDX(f *testing.F) {
	seedFuzz(f, "*.cdx.json", `{"components":[{"components":[{"purl":"pkg:npm/a@1"}]}]}`)
	fuzzFormat(f, FormatCycloneDX)
}

func FuzzSPDX(f *testing.F) {
	seedFuzz(f, "*.spdx.json", `{"spdxVersion":"SPDX-2.2","packages":[{"name":"a","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:"}]}]}`)
	fuzzFormat(f, FormatSPDX)
}

func FuzzPURLList(f *testing.F) {
	seedFuzz(f, "*.purls")
	fuzzFormat(f, FormatPURLs)
}

func FuzzOsquery(f *testing.F) {
	seedFuzz(f, "*.osquery*")
	fuzzFormat(f, FormatOsquery)
}

func FuzzGoMod(f *testing.F) {
	seedFuzz(f, "*go.mod", "require (\nreplace a => b v1\n)\n")
	fuzzFormat(f, FormatGoMod)
}

func FuzzRequirements(f *testing.F) {
	seedFuzz(f, "*.txt", "a==1 \\\n--hash=x\n-r\n-rfile\n")
	fuzzFormat(f, FormatRequirements)
}

func FuzzPackageLock(f *testing.F) {
	seedFuzz(f, "*package-lock.json")
	fuzzFormat(f, FormatPackageLock)
}

func FuzzPOM(f *testing.F) {
	seedFuzz(f, "pom.xml", "<project><properties><a>${b}</a><b>${a}</b></properties><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${a}</version></dependency></dependencies></project>")
	fuzzFormat(f, FormatPOM)
}

func FuzzUVLock(f *testing.F) {
	seedFuzz(f, "uv.lock")
	fuzzFormat(f, FormatUVLock)
}

func FuzzCSV(f *testing.F) {
	seedFuzz(f, "*.csv", "product,version\n\"a\n")
	fuzzFormat(f, FormatCSV)
}

// FuzzParse runs format detection and parsing on arbitrary bytes.
func FuzzParse(f *testing.F) {
	seedFuzz(f, "*")
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := parseBytes("fuzz", data, nil)
		if err == nil && inv.Format == "" {
			t.Fatal("parsed without naming a format")
		}
	})
}

// FuzzPURL checks that a purl ParsePURL accepts writes a canonical form that reads back
// to the same purl and writes itself unchanged.
func FuzzPURL(f *testing.F) {
	for _, s := range []string{
		"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar#sub/path",
		"pkg:npm/%40angular/core@12.3.1", "pkg:git/github.com/a/b@v1", "pkg:PYPI/Django_package@1.0",
		"pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", "pkg:golang/google.golang.org/genproto#/googleapis/api/",
		"pkg:brew/node@20@20.10.0", "pkg:swid/Acme/example.com/Enterprise+Server@1.0.0?tag_id=x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePURL(s)
		if err != nil {
			return
		}
		canon := p.String()
		q, err := ParsePURL(canon)
		if err != nil {
			t.Fatalf("%q → %q, which does not parse: %v", s, canon, err)
		}
		if again := q.String(); again != canon {
			t.Fatalf("%q → %q → %q: not canonical", s, canon, again)
		}
	})
}

// FuzzTopLevelKeys checks the key scanner that tells JSON formats apart against
// encoding/json: for any valid JSON object both find the same keys.
func FuzzTopLevelKeys(f *testing.F) {
	seedFuzz(f, "*.json", `{"a":"}\"","b":[{"c":1}],"d":-1.5e3 ,"e":null}`, `{ }`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var want map[string]json.RawMessage
		if json.Unmarshal(data, &want) != nil || want == nil {
			return
		}
		data = bytes.TrimLeft(data, " \t\r\n")
		got := topLevelKeys(data)
		if len(got) != len(want) {
			t.Fatalf("found %d keys, encoding/json %d", len(got), len(want))
		}
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Fatalf("missed key %q", k)
			}
		}
	})
}
