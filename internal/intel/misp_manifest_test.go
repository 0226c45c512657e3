package intel

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseMISPManifest(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]int64
		wantErr string
	}{
		{name: "MISP writes timestamps as strings",
			in:   `{"fbd854da-9574-5fb6-b297-c483f9d5daf0":{"info":"TweetFeed IOCs 2026-07-23","timestamp":"1784846040","Orgc":{"name":"TweetFeed"},"Tag":[{"name":"tlp:clear"}]}}`,
			want: map[string]int64{"fbd854da-9574-5fb6-b297-c483f9d5daf0": 1784846040}},
		{name: "numbers are read too", in: `{"a":{"timestamp":17}}`, want: map[string]int64{"a": 17}},
		{name: "a missing, negative or unreadable timestamp is unknown",
			in:   `{"a":{},"b":{"timestamp":-5},"c":{"timestamp":"soon"},"d":{"timestamp":null},"e":{"timestamp":1.5}}`,
			want: map[string]int64{"a": 0, "b": 0, "c": 0, "d": 0, "e": 0}},
		{name: "an empty feed", in: " {} \n", want: map[string]int64{}},
		{name: "an array is not a manifest", in: `[{"timestamp":"1"}]`,
			wantErr: "it is not a JSON object mapping event UUIDs to event summaries"},
		{name: "an empty file", in: ``, wantErr: "it is not a JSON object"},
		{name: "a summary that is not an object", in: `{"a":"yesterday"}`,
			wantErr: `the summary of event "a" is not a JSON object`},
		{name: "a manifest cut short", in: `{"a":{"timestamp":"1"},"b":{"timest`,
			wantErr: `the summary of event "b" is not a JSON object`},
		{name: "two manifests run together", in: `{}{}`, wantErr: "there is more after the manifest's closing brace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMISPManifest(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsMISPEventID(t *testing.T) {
	for id, want := range map[string]bool{
		"fbd854da-9574-5fb6-b297-c483f9d5daf0":  true,
		"FBD854DA95745FB6B297C483F9D5DAF0":      true,
		"../../../../etc/passwd-00000000000000": false,
		"fbd854da-9574-5fb6-b297-c483f9d5daf0/": false,
		"fbd854da":                              false,
		"":                                      false,
	} {
		if got := IsMISPEventID(id); got != want {
			t.Errorf("IsMISPEventID(%q) = %v, want %v", id, got, want)
		}
	}
}

// FuzzParseMISPManifest feeds arbitrary bytes to the manifest parser: it must not panic,
// must accept only valid JSON, and must never report a negative timestamp.
func FuzzParseMISPManifest(f *testing.F) {
	for _, seed := range []string{
		`{"fbd854da-9574-5fb6-b297-c483f9d5daf0":{"info":"x","timestamp":"1784846040","Tag":[{"name":"tlp:clear"}]}}`,
		`{"a":{"timestamp":17},"b":{}}`,
		`{"a":{"timestamp":"-1"}}`,
		`{"a":"b"}`,
		`[]`,
		`{}{}`,
		`{"a":{"timestamp":"1"},"b":{"timest`,
		"\xef\xbb\xbf{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := ParseMISPManifest(strings.NewReader(string(in)))
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error message is not valid UTF-8: %q", err)
			}
			return
		}
		if !json.Valid(in) {
			t.Errorf("accepted invalid JSON %q", in)
		}
		for id, ts := range got {
			if ts < 0 {
				t.Errorf("event %q has negative timestamp %d", id, ts)
			}
		}
	})
}
