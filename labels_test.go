package vigil_test

import (
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
)

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
		{"vigil's warninglist label is no taxonomy's", []string{"warninglist:public-dns"}, []string{"warninglist:public-dns"}},
		{"a colon in words is not a tag", []string{"Cobalt Strike: beacon", "CVE-2021-44228"}, []string{"Cobalt Strike: beacon", "CVE-2021-44228"}},
		{"the example from the review", []string{"TweetFeed", "type:OSINT"}, []string{"TweetFeed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vigil.PlainLabels(tt.labels); !slices.Equal(got, tt.want) {
				t.Errorf("PlainLabels(%q) = %q, want %q", tt.labels, got, tt.want)
			}
		})
	}
}
