package telemetry

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseTimeText(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // RFC 3339 in UTC; "" when not a time
	}{
		{"zeek epoch seconds", "1588205199.82437", "2020-04-30T00:06:39.82437Z"},
		{"osquery epoch int", "1412123850", "2014-10-01T00:37:30Z"},
		{"epoch milliseconds", "1700000000123", "2023-11-14T22:13:20.123Z"},
		{"epoch microseconds", "1700000000123456", "2023-11-14T22:13:20.123456Z"},
		{"epoch nanoseconds", "1700000000123456789", "2023-11-14T22:13:20.123456789Z"},
		{"ecs rfc3339", "2019-01-17T01:05:30.172Z", "2019-01-17T01:05:30.172Z"},
		{"suricata +0100", "2017-01-30T16:12:26.985026+0100", "2017-01-30T15:12:26.985026Z"},
		{"suricata +0000", "2024-01-02T03:04:05.123456+0000", "2024-01-02T03:04:05.123456Z"},
		{"offset with colon", "2024-01-02T03:04:05-05:30", "2024-01-02T08:34:05Z"},
		{"offset hours only", "2024-01-02T03:04:05+02", "2024-01-02T01:04:05Z"},
		{"sysmon UtcTime, no zone", "2024-01-02 03:04:05.678", "2024-01-02T03:04:05.678Z"},
		{"comma fraction", "2024-01-02 03:04:05,5", "2024-01-02T03:04:05.5Z"},
		{"leap day", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"leap second held as :59", "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"},
		{"fraction past nanoseconds cut", "2024-01-02T03:04:05.1234567891234Z", "2024-01-02T03:04:05.123456789Z"},
		{"not a leap year", "2023-02-29T00:00:00Z", ""},
		{"february 30th", "2024-02-30T00:00:00Z", ""},
		{"month 13", "2024-13-01T00:00:00Z", ""},
		{"hour 24", "2024-01-01T24:00:00Z", ""},
		{"dot without digits", "2024-01-01T00:00:00.Z", ""},
		{"unknown zone", "2024-01-01T00:00:00 PST", ""},
		{"date only", "2024-01-01", ""},
		{"zero epoch placeholder", "0", ""},
		{"1970 placeholder", "1970-01-01T00:00:00.000000Z", ""},
		{"before 2000", "1999-12-31T23:59:59Z", ""},
		{"after 2199", "2200-01-01T00:00:00Z", ""},
		{"epoch too long", "17000000001234567890", ""},
		{"epoch with exponent", "1.7e9", ""},
		{"words", "yesterday", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := parseTimeText([]byte(tt.in))
			got := ""
			if ok {
				got = time.Unix(0, n).UTC().Format(time.RFC3339Nano)
			}
			if got != tt.want {
				t.Errorf("parseTimeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLastTime checks which field gives each format's event time, and which wins when an
// event has several.
func TestLastTime(t *testing.T) {
	tests := []struct {
		name, line, field, want string
	}{
		{"zeek epoch", `{"_path":"conn","ts":1588205199.82437,"id.orig_h":"10.0.1.6"}`, "ts", "2020-04-30T00:06:39.82437Z"},
		{"zeek iso and write_ts", `{"_path":"dns","_write_ts":"2018-03-24T17:15:20.866586Z","ts":"2018-03-24T17:15:20.865716Z"}`,
			"ts", "2018-03-24T17:15:20.865716Z"},
		{"zeek only write_ts", `{"_path":"x","_write_ts":"2018-03-24T17:15:20.866586Z"}`, "_write_ts", "2018-03-24T17:15:20.866586Z"},
		{"zeek placeholder write_ts", `{"_path":"loaded_scripts","_write_ts":"1970-01-01T00:00:00.000000Z"}`, "", ""},
		{"sysmon UtcTime beats TimeCreated and @timestamp",
			`{"@timestamp":"2020-10-23T02:36:43.542Z","TimeCreated":"2020-10-23T02:36:43.542Z","EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","UtcTime":"2020-10-23 02:36:43.530"}`,
			"UtcTime", "2020-10-23T02:36:43.53Z"},
		{"windows security TimeCreated", `{"EventID":4689,"Channel":"Security","TimeCreated":"2020-10-23T02:36:43.128Z"}`,
			"TimeCreated", "2020-10-23T02:36:43.128Z"},
		{"sysmon UtcTime inside EventData", `{"EventID":3,"Channel":"x","EventData":{"UtcTime":"2024-01-02 03:04:05.678","Image":"a.exe"}}`,
			"UtcTime", "2024-01-02T03:04:05.678Z"},
		{"azure EventData string", `{"EventID":3,"Provider":"x","TimeGenerated":"2024-01-02T03:04:09Z","EventData":"{\"UtcTime\":\"2024-01-02 03:04:05.000\"}"}`,
			"UtcTime", "2024-01-02T03:04:05Z"},
		{"suricata", `{"timestamp":"2017-01-30T16:12:26.985026+0100","event_type":"dns","src_ip":"172.17.0.2"}`,
			"timestamp", "2017-01-30T15:12:26.985026Z"},
		{"ecs", `{"@timestamp":"2019-01-17T01:05:30.172Z","ecs":{"version":"8.2.0"},"source":{"ip":"10.0.0.1"}}`,
			"@timestamp", "2019-01-17T01:05:30.172Z"},
		{"osquery unixTime beats calendarTime",
			`{"name":"q","hostIdentifier":"h","calendarTime":"Tue Sep 30 17:37:30 2014 UTC","unixTime":1412123851,"columns":{}}`,
			"unixTime", "2014-10-01T00:37:31Z"},
		{"osquery unixTime as a string", `{"name":"q","hostIdentifier":"h","unixTime":"1412123850","columns":{}}`,
			"unixTime", "2014-10-01T00:37:30Z"},
		{"osquery calendarTime only", `{"name":"q","hostIdentifier":"h","calendarTime":"Tue Sep 30 17:37:30 2014 UTC","snapshot":[]}`,
			"calendarTime", "2014-09-30T17:37:30Z"},
		{"generic timestamp", `{"timestamp":"2024-05-06T07:08:09Z","dst":"203.0.113.9"}`, "timestamp", "2024-05-06T07:08:09Z"},
		{"generic time epoch ms", `{"time":1715000000000,"dst":"203.0.113.9"}`, "time", "2024-05-06T12:53:20Z"},
		{"generic ts", `{"ts":"1715000000","x":"y"}`, "ts", "2024-05-06T12:53:20Z"},
		{"generic nested time ignored", `{"cert":{"time":"2024-05-06T07:08:09Z"},"dst":"203.0.113.9"}`, "", ""},
		{"generic unreadable time", `{"time":"yesterday","dst":"203.0.113.9"}`, "", ""},
		{"no time", `{"_path":"conn","id.orig_h":"10.0.1.6"}`, "", ""},
	}
	ex := NewExtractor(FormatAuto)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ex.Extract([]byte(tt.line), nil); err != nil {
				t.Fatal(err)
			}
			when, field := ex.LastTime()
			got := ""
			if field != "" {
				got = when.Format(time.RFC3339Nano)
			}
			if field != tt.field || got != tt.want {
				t.Errorf("LastTime() = %q from %q, want %q from %q", got, field, tt.want, tt.field)
			}
		})
	}
}

// TestLastTimeForgets checks that a line without a time does not inherit the previous one's.
func TestLastTimeForgets(t *testing.T) {
	ex := NewExtractor(FormatAuto)
	for _, line := range []string{`{"_path":"conn","ts":1588205199.8}`, `{"_path":"conn"}`, ``, `{not json`} {
		ex.Extract([]byte(line), nil) //nolint:errcheck // only the time matters here
	}
	if when, field := ex.LastTime(); field != "" || !when.IsZero() {
		t.Errorf("LastTime() after an untimed line = %v from %q, want none", when, field)
	}
}

// TestSampleTimes checks the time of one real event of each format in the shared samples.
func TestSampleTimes(t *testing.T) {
	files := sampleFiles(t)
	tests := []struct {
		file  string
		line  int // 1-based
		field string
		want  string
	}{
		{"otrf-apt29/apt29_day1_combined_zeek.ndjson", 1, "ts", "2020-04-30T00:06:39.82437Z"},
		{"zed-sample-data/dns.json.gz", 1, "ts", "2018-03-24T17:15:20.865716Z"},
		{"surevego/eve.json", 1, "timestamp", "2017-01-30T15:12:26.985026Z"},
		{"ecs/elastic-integrations_zeek-http_expected.ndjson", 1, "@timestamp", "2019-01-17T01:05:30.172Z"},
		// a Security event: when Windows logged it
		{"otrf-security-datasets/cmd_bitsadmin_download_psh_script.ndjson", 1, "TimeCreated", "2020-10-23T02:36:40.671Z"},
		{"otrf-security-datasets/cmd_bitsadmin_download_psh_script.ndjson", 86, "UtcTime", "2020-10-23T06:36:40.265Z"},
		// Azure Log Analytics: UtcTime inside the JSON-encoded EventData beats TimeGenerated
		{"otrf-security-datasets/sysmon_log4shell_cve2021_44228_java_serialized_object.ndjson", 1, "UtcTime", "2022-05-13T08:54:05.123Z"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var data []byte
			for _, f := range files {
				if strings.HasSuffix(filepath.ToSlash(f), tt.file) {
					data = readSample(t, f)
				}
			}
			if data == nil {
				t.Fatalf("sample %s not found", tt.file)
			}
			line := strings.Split(string(data), "\n")[tt.line-1]
			ex := NewExtractor(FormatAuto)
			if _, err := ex.Extract([]byte(line), nil); err != nil {
				t.Fatal(err)
			}
			when, field := ex.LastTime()
			if field != tt.field {
				t.Fatalf("time field = %q, want %q (line %.200s)", field, tt.field, line)
			}
			if tt.want != "" && when.Format(time.RFC3339Nano) != tt.want {
				t.Errorf("time = %s, want %s", when.Format(time.RFC3339Nano), tt.want)
			}
		})
	}
}

// FuzzParseTimeText feeds arbitrary text to the event-time parser: it must never panic,
// must only return believable times, and must agree with the standard library on every
// RFC 3339 time that both read, also when an Extractor has parsed other times before. The
// seed corpus in testdata/fuzz/FuzzParseTimeText holds times from the real samples.
func FuzzParseTimeText(f *testing.F) {
	for _, s := range []string{"1588205199.82437", "2017-01-30T16:12:26.985026+0100", "2024-01-02 03:04:05.678",
		"2019-01-17T01:05:30.172Z", "1700000000123", "2024-02-29T23:59:60-05:30", "2024-01-02T03:04:05,5+02"} {
		f.Add(s)
	}
	var cached minuteCache // as an Extractor keeps it from line to line
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseTimeText([]byte(s))
		if cn, cok := cached.parse([]byte(s)); cn != n || cok != ok {
			t.Fatalf("parseTimeText(%q) = %d, %v but after earlier times %d, %v", s, n, ok, cn, cok)
		}
		if !ok {
			return
		}
		if n < minEventUnix*1e9 || n >= maxEventUnix*1e9 {
			t.Fatalf("parseTimeText(%q) = %d, outside the believable range", s, n)
		}
		std, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || std.Second() == 59 && strings.Contains(s, ":60") {
			return
		}
		if std.UnixNano() != n {
			t.Fatalf("parseTimeText(%q) = %s, time.Parse says %s", s, time.Unix(0, n).UTC(), std.UTC())
		}
	})
}
