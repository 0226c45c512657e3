package intel

import (
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/shareddata"
)

// TestInternalNotMatchable imports internal special-purpose addresses in every format and
// checks they are counted as not matchable and listed with the reason, while the
// documentation ranges stay matchable, and that KeepInternal keeps them.
func TestInternalNotMatchable(t *testing.T) {
	const stixBundle = `{"type":"bundle","id":"bundle--1","objects":[` +
		`{"type":"indicator","spec_version":"2.1","id":"indicator--a","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '10.0.0.1']"},` +
		`{"type":"indicator","spec_version":"2.1","id":"indicator--b","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":"[ipv6-addr:value = 'fe80::1']"},` +
		`{"type":"indicator","spec_version":"2.1","id":"indicator--c","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","valid_from":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":"[ipv4-addr:value = '203.0.113.9']"}]}`
	tests := []struct {
		name     string
		parse    listParseFunc
		file     string
		input    string
		total    int
		internal []string // the values listed as not matchable, in order
	}{
		{
			name:  "plain list",
			parse: ParseList,
			file:  "list.txt",
			input: "10.0.0.0/8\n172.16.0.0/12\n192.168.0.0/16\n127.0.0.0/8\n0.0.0.0/8\n100.64.0.1\n169.254.169.254\n" +
				"239.1.1.1\n255.255.255.255\n::1\nfd00:1::/48\nff02::1\n::ffff:192.168.1.1\n172.0.0.0/8\nhttp://192.168.1.1/login.cgi\nhttp://[fe80::1]/x\n" +
				"http://203.0.113.7/gate.php\n192.0.2.1\n198.51.100.0/24\n203.0.113.7\n2001:db8::1\n81.2.69.160\n",
			total: 6,
			internal: []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "0.0.0.0/8", "100.64.0.1",
				"169.254.169.254", "239.1.1.1", "255.255.255.255", "::1", "fd00:1::/48", "ff02::1", "192.168.1.1", "172.0.0.0/8",
				"http://192.168.1.1/login.cgi", "http://[fe80::1]/x"},
		},
		{
			name:     "CSV",
			parse:    ParseCSV,
			file:     "iocs.csv",
			input:    "type,value\nip-dst,192.168.10.5\nip-dst,198.51.100.7\nip-src,10.1.0.0/16\n",
			total:    1,
			internal: []string{"192.168.10.5", "10.1.0.0/16"},
		},
		{
			name:     "STIX bundle",
			parse:    ParseSTIX,
			file:     "bundle.json",
			input:    stixBundle,
			total:    1,
			internal: []string{"10.0.0.1", "fe80::1"},
		},
		{
			name:  "MISP event",
			parse: ParseMISP,
			file:  "event.json",
			input: `{"Event":{"Attribute":[{"type":"ip-dst","value":"127.0.0.1","to_ids":true},` +
				`{"type":"ip-dst|port","value":"10.2.3.4|443","to_ids":true},{"type":"ip-dst","value":"192.0.2.44","to_ids":true}]}}`,
			total:    1,
			internal: []string{"127.0.0.1", "10.2.3.4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, got, err := listParse(t, tt.parse, tt.file, tt.input, Options{MaxExamples: 20})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var listed []string
			for _, p := range rep.Problems {
				if p.Kind != ProblemNotMatchable {
					continue
				}
				listed = append(listed, p.Value)
				if !strings.Contains(p.Reason, "not a threat indicator") || !strings.Contains(p.Reason, "RFC") {
					t.Errorf("reason for %s = %q, want the range, its RFC and why", p.Value, p.Reason)
				}
			}
			if !slices.Equal(listed, tt.internal) {
				t.Errorf("listed not matchable %q, want %q", listed, tt.internal)
			}
			if rep.Total != tt.total || rep.Internal != len(tt.internal) || rep.NotMatchable != len(tt.internal) {
				t.Errorf("total %d internal %d not matchable %d, want %d, %d, %d; kept %q",
					rep.Total, rep.Internal, rep.NotMatchable, tt.total, len(tt.internal), len(tt.internal), got)
			}

			rep, _, err = listParse(t, tt.parse, tt.file, tt.input, Options{KeepInternal: true})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if rep.Total != tt.total+len(tt.internal) || rep.Internal != 0 {
				t.Errorf("with KeepInternal: total %d internal %d, want %d and 0", rep.Total, rep.Internal, tt.total+len(tt.internal))
			}
		})
	}
}

// TestInternalReasons checks the words of the reason, inside a range and covering one.
func TestInternalReasons(t *testing.T) {
	rep, _, err := listParse(t, ParseList, "list.txt", "10.0.0.0/8\n172.0.0.0/8\n::ffff:127.0.0.1\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"10.0.0.0/8 is in 10.0.0.0/8, private-use address space (RFC 1918)",
		"172.0.0.0/8 covers 172.16.0.0/12, private-use address space (RFC 1918)",
		"127.0.0.1 is in 127.0.0.0/8, loopback (RFC 1122)",
	}
	if len(rep.Problems) != len(want) {
		t.Fatalf("problems %+v, want %d", rep.Problems, len(want))
	}
	for i, p := range rep.Problems {
		if !strings.HasPrefix(p.Reason, want[i]) {
			t.Errorf("reason %q, want it to start %q", p.Reason, want[i])
		}
	}
}

// TestFireholLevel1Internal checks that the real firehol_level1, which many people load,
// no longer makes the private, loopback and "this network" blocks matchable.
func TestFireholLevel1Internal(t *testing.T) {
	path := shareddata.Dir(t, "intel", "lists", "firehol-blocklist-ipsets", "firehol_level1.netset")
	var kept []string
	rep, err := Load([]string{path}, Options{MaxExamples: 50}, func(ind vigil.Indicator) { kept = append(kept, ind.Value) })
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, p := range rep.Problems {
		if p.Kind == ProblemNotMatchable {
			listed[p.Value] = p.Reason
		}
	}
	for _, v := range []string{"0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} {
		if !strings.Contains(listed[v], "not a threat indicator") {
			t.Errorf("%s listed with reason %q, want it not matchable", v, listed[v])
		}
		if slices.Contains(kept, v) {
			t.Errorf("%s is still matchable", v)
		}
	}
	if rep.Internal != len(listed) || rep.Internal < 5 {
		t.Errorf("internal %d, listed %v", rep.Internal, listed)
	}
}
