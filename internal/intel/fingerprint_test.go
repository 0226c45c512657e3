package intel

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestFingerprintIndicators: certificate fingerprints and TLS client fingerprints arrive as
// their own types from every importer, never as file hashes, so a JA3 never matches a
// file's MD5.
func TestFingerprintIndicators(t *testing.T) {
	const (
		sha1 = "d9105746ea023ecdc6a47e7b4d026d5308525b8c"
		ja3  = "e0fe397a5edfba9a6facc7c7b341f4eb"
		ja4  = "t13d1516h2_8daaf6152771_b186095e22b6"
	)
	tests := []struct {
		name, file, input string
		want              []string
	}{
		{"abuse.ch JA3 fingerprints CSV", "ja3_fingerprints.csv",
			"# ja3_md5,Firstseen,Lastseen,Listingreason\n" + strings.ToUpper(ja3) + ",2019-01-01 00:00:00,2019-06-01 00:00:00,Dridex\n",
			[]string{"ja3 " + ja3}},
		{"typed CSV", "typed.csv", "type,value,comment\nx509-fingerprint-sha1," + colonHex(sha1) + ",c2 cert\nja4,T13d1516h2_8daaf6152771_b186095e22b6,c2 client\nja3s," + ja3 + ",c2 server\n",
			[]string{"x509-sha1 " + sha1, "ja4 " + ja4, "ja3s " + ja3}},
		{"STIX certificate hashes", "cert.json", stixBundle(stixIndicator("c", "[x509-certificate:hashes.'SHA-1' = '"+sha1+"']")),
			[]string{"x509-sha1 " + sha1}},
		{"MISP attributes", "event.json", `{"Event":{"uuid":"e","Attribute":[` +
			`{"uuid":"a","type":"ja3-fingerprint-md5","value":"` + ja3 + `","to_ids":true},` +
			`{"uuid":"b","type":"x509-fingerprint-sha1","value":"` + sha1 + `","to_ids":true}]}}`,
			[]string{"ja3 " + ja3, "x509-sha1 " + sha1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			rep, err := LoadReader(strings.NewReader(tt.input), tt.file, Options{Now: stixNow}, func(i vigil.Indicator) {
				got = append(got, string(i.Type)+" "+i.Value)
			})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("indicators %q, want %q (problems %+v)", got, tt.want, rep.Problems)
			}
		})
	}
}

func colonHex(h string) string {
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, strings.ToUpper(h[i:i+2]))
	}
	return strings.Join(parts, ":")
}
