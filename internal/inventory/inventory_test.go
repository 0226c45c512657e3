package inventory

import (
	"errors"
	"strings"
	"testing"
)

// TestParseRefuses checks that input vigil cannot understand at all is an error naming
// the input and saying why, and never a panic or an empty success.
func TestParseRefuses(t *testing.T) {
	cases := []struct {
		name, file, input, want string
	}{
		{"empty", "empty.json", "  \n", "empty"},
		{"prose", "notes.md", "Our laptops run Windows.\n", "not a format vigil reads"},
		{"Cargo.lock", "Cargo.lock", "version = 3\n\n[[package]]\nname = \"hyper\"\nversion = \"0.14.10\"\n", "not a format vigil reads"},
		{"broken JSON", "bom.json", "{\n\"bomFormat\": \"CycloneDX\",\n\"components\": [}\n", "line 3: not valid JSON"},
		{"unknown JSON", "thing.json", `{"hello": "world"}`, "JSON that is not CycloneDX"},
		{"SPDX 3", "sbom.spdx3.json", `{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`, "SPDX 3.0 JSON-LD is not read yet"},
		{"XML that is no POM", "feed.xml", `<rss version="2.0"></rss>`, "not a Maven pom.xml"},
		{"CycloneDX components not a list", "bom.json", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":{}}`, "line 1: components is object"},
		{"CSV without product", "products.csv", "vendor,name,version\nMicrosoft,Windows,11\n", "line 1: the header needs product and version"},
		{"osquery not rows", "osquery.json", `["programs"]`, "line 1"},
		{"POM cut off", "pom.xml", "<project>\n<dependencies>\n<dependency>", "not valid XML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.file, strings.NewReader(c.input))
			if err == nil {
				t.Fatalf("accepted %q", c.input)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != c.file {
				t.Errorf("error %v does not name %s", err, c.file)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to say %q", err, c.want)
			}
		})
	}
}

// TestDetect checks the format each kind of content is read as, the name only a hint.
func TestDetect(t *testing.T) {
	cases := []struct {
		name, file, input, want string
	}{
		{"CycloneDX under any name", "upload-1", `{"bomFormat": "CycloneDX", "specVersion": "1.5"}`, FormatCycloneDX},
		{"SPDX", "x.json", `{"spdxVersion": "SPDX-2.3"}`, FormatSPDX},
		{"lockfile by key", "lock.json", `{"name": "a", "lockfileVersion": 2}`, FormatPackageLock},
		{"osqueryi array", "rows.json", `[{"name": "bash", "version": "5"}]`, FormatOsquery},
		{"osqueryd log", "osqueryd.results.log", `{"name":"deb_packages","columns":{"name":"bash"},"action":"added"}` + "\n", FormatOsquery},
		{"go.mod by content", "upload", "// comment\nmodule example.org/x\n", FormatGoMod},
		{"purl list", "list", "# ours\npkg:npm/lodash@4.17.20\n", FormatPURLs},
		{"product CSV without .csv", "products", "Vendor,Product,Version\nMicrosoft,Windows,11\n", FormatCSV},
		{"requirements by line", "upload", "Django==3.2.1\n", FormatRequirements},
		{"requirements by name", "requirements-dev.txt", "# nothing pinned yet\nDjango\n", FormatRequirements},
		{"uv.lock by content", "lock", "version = 1\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"a\"\n", FormatUVLock},
		{"pom", "upload", `<?xml version="1.0"?><project></project>`, FormatPOM},
		{"byte order mark", "bom.csv", "\xef\xbb\xbfvendor,product,version\n", FormatCSV},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect(c.file, []byte(c.input))
			if err != nil || got != c.want {
				t.Errorf("Detect(%q) = %q, %v; want %q", c.file, got, err, c.want)
			}
		})
	}
}

// TestParseIncludeWithoutFiles checks that an upload's -r include, which Parse cannot
// follow, is a Problem and the rest is kept.
func TestParseIncludeWithoutFiles(t *testing.T) {
	inv, err := Parse("requirements.txt", strings.NewReader("-r base.txt\nDjango==3.2.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Components) != 1 || inv.Components[0].Source != "requirements.txt" {
		t.Errorf("components %+v, want Django from requirements.txt", inv.Components)
	}
	if len(inv.Problems) != 1 || inv.Problems[0].Location != "line 1" || !strings.Contains(inv.Problems[0].Reason, "base.txt") {
		t.Errorf("problems %+v, want one naming base.txt at line 1", inv.Problems)
	}
}

// TestReadPathDirectory checks a directory walk: every inventory file read, includes
// followed, other files left alone, and a file it cannot understand named in the error
// while the rest are returned.
func TestReadPathDirectory(t *testing.T) {
	invs, err := ReadPath("testdata/inputs")
	var fe *FileError
	if !errors.As(err, &fe) || !strings.HasSuffix(fe.Path, "model.spdx3.json") {
		t.Errorf("error %v, want one naming model.spdx3.json", err)
	}
	formats := map[string]bool{}
	for _, inv := range invs {
		formats[inv.Format] = true
	}
	for _, f := range Formats {
		if !formats[f] {
			t.Errorf("no inventory read as %s from testdata/inputs", f)
		}
	}
	if _, err := ReadPath("testdata/no-such-dir"); err == nil {
		t.Error("ReadPath of a missing path succeeded")
	}
}

// TestNormalise checks OSV's spelling of names per ecosystem.
func TestNormalise(t *testing.T) {
	cases := []struct{ ecosystem, name, want string }{
		{"PyPI", "Django_REST.framework", "django-rest-framework"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", " requests ", "requests"},
		{"npm", "@Angular/core", "@Angular/core"},
		{"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
		{"Packagist", "Laravel/Framework", "laravel/framework"},
		{"RubyGems", "Rails", "Rails"},
		{"Debian", "libssl3", "libssl3"},
		{"", "Windows 10", "Windows 10"},
	}
	for _, c := range cases {
		if got := Normalise(c.ecosystem, c.name); got != c.want {
			t.Errorf("Normalise(%q, %q) = %q, want %q", c.ecosystem, c.name, got, c.want)
		}
	}
}

// TestComponentFromPURL checks the ecosystem and OSV name each purl type gives.
func TestComponentFromPURL(t *testing.T) {
	cases := []struct{ purl, ecosystem, name, version string }{
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"},
		{"pkg:npm/%40angular/core@12.3.1", "npm", "@angular/core", "12.3.1"},
		{"pkg:golang/github.com/gorilla/websocket@v1.5.0", "Go", "github.com/gorilla/websocket", "1.5.0"},
		{"pkg:pypi/Django_Package@1.0", "PyPI", "django-package", "1.0"},
		{"pkg:deb/debian/curl@7.50.3-1?arch=i386", "Debian", "curl", "7.50.3-1"},
		{"pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.15", "Ubuntu", "curl", "7.81.0-1ubuntu1.15"},
		{"pkg:deb/raspbian/curl@7.64.0", "", "curl", "7.64.0"},
		{"pkg:apk/alpine/curl@7.83.0-r0", "Alpine", "curl", "7.83.0-r0"},
		{"pkg:rpm/redhat/openssl@1:3.0.7-24.el9", "Red Hat", "openssl", "1:3.0.7-24.el9"},
		{"pkg:nuget/Newtonsoft.Json@13.0.1", "NuGet", "Newtonsoft.Json", "13.0.1"},
		{"pkg:gem/rails@7.0.4", "RubyGems", "rails", "7.0.4"},
		{"pkg:composer/laravel/framework@7.12.0", "Packagist", "laravel/framework", "7.12.0"},
		{"pkg:cargo/hyper@0.14.10", "crates.io", "hyper", "0.14.10"},
		{"pkg:pub/characters@1.2.0", "Pub", "characters", "1.2.0"},
		{"pkg:hex/phoenix@1.6.0", "Hex", "phoenix", "1.6.0"},
		{"pkg:hackage/aeson@2.0.0.0", "Hackage", "aeson", "2.0.0.0"},
		{"pkg:cran/A3@0.9.1", "CRAN", "A3", "0.9.1"},
		{"pkg:generic/openssl@1.1.10g", "", "openssl", "1.1.10g"},
	}
	for _, c := range cases {
		got, err := componentFromPURL(c.purl)
		if err != nil || got.Ecosystem != c.ecosystem || got.Name != c.name || got.Version != c.version {
			t.Errorf("%s → %q %q %q (%v), want %q %q %q", c.purl, got.Ecosystem, got.Name, got.Version, err, c.ecosystem, c.name, c.version)
		}
	}
}
