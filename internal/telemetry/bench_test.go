package telemetry

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"
	"github.com/vigil-health/vigil"
)

// benchMax caps the bytes of one benchmark operation so that large samples stay quick.
const benchMax = 8 << 20

// BenchmarkExtract measures Extract over real samples. One operation extracts every line of
// the sample (up to benchMax bytes); MB/s counts line bytes including newlines. cpu-MB/s
// divides by the CPU time the process used instead of wall time (GC included), which is the
// figure to trust on a machine shared with other work.
//
//	go test ./internal/telemetry -run '^$' -bench 'Extract|Parse' -benchtime 20x -cpu 1
func BenchmarkExtract(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			lines, size := benchLines(b, c.samples)
			ex := NewExtractor(c.format)
			var obs []vigil.Observable
			n := 0
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				n = 0
				for _, l := range lines {
					obs, _ = ex.Extract(l, obs[:0])
					n += len(obs)
				}
			}
			reportCPU(b, size, cpu)
			b.ReportMetric(float64(len(lines)), "lines/op")
			b.ReportMetric(float64(n), "observables/op")
		})
	}
}

// BenchmarkParse is the baseline for BenchmarkExtract: fastjson parsing the same lines, with
// nothing extracted. The ratio of the two shows how much of Extract is the parser.
func BenchmarkParse(b *testing.B) {
	for _, c := range benchCases {
		b.Run(c.name, func(b *testing.B) {
			lines, size := benchLines(b, c.samples)
			var p fastjson.Parser
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				for _, l := range lines {
					_, _ = p.ParseBytes(l)
				}
			}
			reportCPU(b, size, cpu)
		})
	}
}

func reportCPU(b *testing.B, size int, since time.Duration) {
	if cpu := cpuTime() - since; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

var sysmonSamples = []string{"cmd_bitsadmin_download_psh_script.ndjson", "covenant_lolbin_wuauclt_createremotethread.ndjson",
	"psh_mshta_html_application_execution.ndjson", "sysmon_log4shell_cve2021_44228_java_serialized_object.ndjson"}

var benchCases = []struct {
	name    string
	format  Format
	samples []string // suffixes of sample paths
}{
	{"zeek-dns", FormatAuto, []string{"zed-sample-data/dns.json.gz"}},
	{"zeek-ssl", FormatAuto, []string{"zed-sample-data/ssl.json.gz"}},
	{"zeek-apt29", FormatAuto, []string{"apt29_day1_combined_zeek.ndjson", "apt29_day2_combined_zeek.ndjson"}},
	{"sysmon", FormatAuto, sysmonSamples},
	{"suricata", FormatAuto, []string{"surevego/eve.json"}},
	{"ecs", FormatAuto, []string{"elastic-integrations_zeek-http_expected.ndjson"}},
	{"generic", FormatGeneric, []string{"apt29_day1_combined_zeek.ndjson", "surevego/eve.json", sysmonSamples[1]}},
	{"zeek-dns-forced", FormatZeek, []string{"zed-sample-data/dns.json.gz"}},
}

// benchLines returns the lines of the samples whose paths end in the given suffixes, up to
// benchMax bytes, and their size including newlines.
func benchLines(b *testing.B, suffixes []string) ([][]byte, int) {
	files := sampleFiles(b)
	var lines [][]byte
	size := 0
	for _, suffix := range suffixes {
		for _, f := range files {
			if !strings.HasSuffix(filepath.ToSlash(f), suffix) {
				continue
			}
			for l := range bytes.SplitSeq(readSample(b, f), []byte("\n")) {
				if size+len(l)+1 > benchMax {
					return lines, size
				}
				lines = append(lines, l)
				size += len(l) + 1
			}
		}
	}
	if len(lines) == 0 {
		b.Fatalf("no sample matches %v", suffixes)
	}
	return lines, size
}

// BenchmarkEventTime measures reading one event time of each format's shape, the cost
// Extract adds to every event that has one.
//
//	go test ./internal/telemetry -run '^$' -bench EventTime -cpu 1
func BenchmarkEventTime(b *testing.B) {
	for _, c := range []struct{ name, text string }{
		{"zeek-epoch", "1588205199.82437"},
		{"zeek-iso", "2018-03-24T17:15:20.865716Z"},
		{"sysmon-utctime", "2024-01-02 03:04:05.678"},
		{"suricata", "2017-01-30T16:12:26.985026+0100"},
		{"ecs", "2019-01-17T01:05:30.172Z"},
		{"osquery-unixtime", "1412123850"},
	} {
		b.Run(c.name, func(b *testing.B) {
			text := []byte(c.text)
			for b.Loop() {
				if _, ok := parseTimeText(text); !ok {
					b.Fatal("not a time")
				}
			}
		})
	}
}
