package vigil_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestPlainLabels: a sentence names what an indicator is listed as, the way an analyst
// would write it; the MISP taxonomy tags on the report stay in the data only.
func TestPlainLabels(t *testing.T) {
	tests := []struct {
		name   string
		labels []string
		want   []string
	}{
		{"plain labels read as they are", []string{"botnet", "emotet", "win.qakbot"}, []string{"botnet", "emotet", "win.qakbot"}},
		{"a taxonomy tag is not what it is listed as", []string{"phishing", "type:OSINT"}, []string{"phishing"}},
		{"tlp tags are markings", []string{"tlp:amber", "tlp:amber+strict", "TLP:RED", "tlp:ex:chr"}, nil},
		{"grading tags", []string{`admiralty-scale:source-reliability="b"`, `estimative-language:likelihood-probability="very-likely"`,
			`misp:confidence-level="usually-confident"`, `PAP:AMBER`}, nil},
		{"a galaxy cluster reads as its name", []string{`misp-galaxy:threat-actor="APT28"`, `misp-galaxy:ransomware="LockBit"`},
			[]string{"APT28", "LockBit"}},
		{"a galaxy cluster already named once", []string{"Sednit", `misp-galaxy:threat-actor="sednit"`}, []string{"Sednit"}},
		{"a galaxy tag without a cluster", []string{"misp-galaxy:threat-actor"}, nil},
		{"real: a galaxy cluster named by its id alone (ESET's)", []string{`misp-galaxy:eset-threat-actor="bb3ab4f3-e221-49e9-9fd4-4e429f8f4664"`,
			`misp-galaxy:threat-actor="Sofacy"`}, []string{"Sofacy"}},
		{"vigil's warninglist label is no taxonomy's", []string{"warninglist:public-dns"}, []string{"warninglist:public-dns"}},
		{"a colon in words is not a tag", []string{"Cobalt Strike: beacon", "CVE-2021-44228"}, []string{"Cobalt Strike: beacon", "CVE-2021-44228"}},
		{"the example from the review", []string{"TweetFeed", "type:OSINT"}, []string{"TweetFeed"}},
		{"Defender names from the review", []string{"Trojan:Win32/Emotet.A", "Trojan:Win32/Qakbot", "type:OSINT"},
			[]string{"Trojan:Win32/Emotet.A", "Trojan:Win32/Qakbot"}},
		{"detection names as vendors write them", []string{"HackTool:MSIL/Rubeus!MTB", "Ransom:Win64/Lockbit.PA!MTB",
			"TrojanDownloader:O97M/Donoff", "HEUR:Trojan.Win32.Generic"},
			[]string{"HackTool:MSIL/Rubeus!MTB", "Ransom:Win64/Lockbit.PA!MTB", "TrojanDownloader:O97M/Donoff", "HEUR:Trojan.Win32.Generic"}},
		// Real labels from the shared intel: the Defender name in CISA's report elevated to
		// STIX (issue-271.json), and tags and a list label from CIRCL's and ESET's events.
		{"real: a detection beside the tags of its event", []string{"Trojan:Win32/Cobaltstrike!MSR", "Type:OSINT",
			`ms-caro-malware:malware-type="Ransom"`, `malware_classification:malware-category="Ransomware"`, `misp-galaxy:rat="FALLCHILL"`},
			[]string{"Trojan:Win32/Cobaltstrike!MSR", "FALLCHILL"}},
		{"real: a note with a colon", []string{"PasteBin: MALWAREMESSIAGH"}, []string{"PasteBin: MALWAREMESSIAGH"}},
		{"MISP predicates with a '/' or '.' stay tags", []string{"euci:S-UE/EU-S", "drugs:mixed-metal/non-metal-compounds",
			"state-responsibility:state-prohibited.", "cyber-threat-framework:Effect/Consequence"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vigil.PlainLabels(tt.labels); !slices.Equal(got, tt.want) {
				t.Errorf("PlainLabels(%q) = %q, want %q", tt.labels, got, tt.want)
			}
		})
	}
}

// valueTag is a machine tag with a value: never a word of a sentence as it is.
var valueTag = regexp.MustCompile(`^[\w.-]+:[^\s="]+=`)

// TestPlainLabelsRealIntel reads every label the real STIX and MISP data in the shared
// set carries (STIX labels, MISP tags, galaxy clusters) as vigil's parsers give them, and
// compares what a sentence shows of each with testdata/plain-labels.golden, a list a
// person can read through. Apart from the list: a label without a colon reads as it is,
// and no tag with a value reads as a tag.
func TestPlainLabelsRealIntel(t *testing.T) {
	dir := shareddata.Dir(t, "intel")
	var paths []string
	for _, p := range []string{"stix", "misp/eset-malware-ioc", "misp/pymisp-tests", "misp/misp-stix-tests", "misp/tweetfeed-misp-feed"} {
		paths = append(paths, filepath.Join(dir, p))
	}
	seen := map[string]bool{}
	if _, err := intel.Load(paths, intel.Options{IncludeExpired: true, IncludeNonIDS: true}, func(ind vigil.Indicator) {
		for _, l := range ind.Provenance.Labels {
			seen[l] = true
		}
	}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range slices.Sorted(maps.Keys(seen)) {
		p := vigil.PlainLabels([]string{l})
		fmt.Fprintf(&b, "%q\t%q\n", l, p)
		switch {
		case !strings.Contains(l, ":") && !slices.Equal(p, []string{l}):
			t.Errorf("%q reads as %q, want it as it is", l, p)
		case len(p) == 1 && valueTag.MatchString(p[0]):
			t.Errorf("%q reads as the tag %q", l, p[0])
		}
	}
	if len(seen) < 100 {
		t.Errorf("%d labels in the real intel, want the hundreds it carries", len(seen))
	}
	compareGolden(t, filepath.Join("testdata", "plain-labels.golden"), b.String())
}

// compareGolden compares got with the golden file at path, or rewrites it with -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test . -run PlainLabels -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
