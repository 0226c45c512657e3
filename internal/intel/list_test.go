package intel

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// listParseFunc is the signature ParseList and ParseCSV share.
type listParseFunc func(r io.Reader, file string, s *Sink) error

// listParse parses input and returns the report, the accepted indicators rendered by
// listIndString, and the parser's error.
func listParse(t testing.TB, parse listParseFunc, file, input string, opts Options) (*Report, []string, error) {
	t.Helper()
	rep := &Report{}
	var got []string
	s := NewSink(opts, rep, func(ind vigil.Indicator) { got = append(got, listIndString(ind)) })
	err := parse(strings.NewReader(input), file, s)
	return rep, got, err
}

// listIndString renders what the tests check of an indicator on one line.
func listIndString(ind vigil.Indicator) string {
	p := ind.Provenance
	s := fmt.Sprintf("%s %s %s", ind.Type, ind.Value, p.Ref)
	if len(p.Labels) > 0 {
		s += " [" + strings.Join(p.Labels, "|") + "]"
	}
	if !p.FirstSeen.IsZero() {
		s += " first=" + p.FirstSeen.Format(time.RFC3339)
	}
	if p.Confidence != -1 {
		s += fmt.Sprintf(" confidence=%d", p.Confidence)
	}
	return s
}

// listRejectedLines lists the line numbers of the rejection examples in rep.
func listRejectedLines(rep *Report) []int {
	var lines []int
	for _, p := range rep.Problems {
		if p.Kind == ProblemRejected {
			lines = append(lines, p.Line)
		}
	}
	return lines
}

func TestParseList(t *testing.T) {
	long := strings.Repeat("a", maxLineLen+10)
	tests := []struct {
		name     string
		file     string // default "list.txt"
		input    string
		want     []string
		rejected []int  // line numbers
		reason   string // in the first rejection's reason
	}{
		{
			name:  "firehol netset",
			input: "#\n# firehol_level1\n#\n0.0.0.0/8\n1.10.16.0/20\n224.0.0.0/3\n192.0.2.1/32\n",
			want: []string{
				"cidr 1.10.16.0/20 line 5",
				"ipv4 192.0.2.1 line 7",
			},
			rejected: []int{6},
			reason:   "wider than /8",
		},
		{
			name:  "ipsum IP tab count",
			input: "# IPsum Threat Intelligence Feed\n198.51.100.7\t10\n203.0.113.9\t3\n",
			want:  []string{"ipv4 198.51.100.7 line 2", "ipv4 203.0.113.9 line 3"},
		},
		{
			name: "signature-base hash and description",
			input: "# MD5;COMMENT\n\n0c2674c3a97c53082187d930efb645c2;Sakula Malware - http://example.org/x\n" +
				"C03318CB12B827C03D556C8747B1E323225DF97BDC4258C2756B0D6A4FD52B47;Zxshell\n",
			want: []string{
				"md5 0c2674c3a97c53082187d930efb645c2 line 3 [Sakula Malware - http://example.org/x]",
				"sha256 c03318cb12b827c03d556c8747b1e323225df97bdc4258c2756b0d6a4fd52b47 line 4 [Zxshell]",
			},
		},
		{
			name:  "a score is not a label",
			input: "bad.example.com;80\nworse.example.com,12\n",
			want:  []string{"domain bad.example.com line 1", "domain worse.example.com line 2"},
		},
		{
			name: "maltrail trails",
			input: "# Reference: https://example.org/report\n\n66.210.228.178:443\ndvr.example.com\n" +
				"xn--bcher-kva.example    # was: bücher.example\n198.51.100.7:8080/gate.php\n/public/hydra.php\n",
			want: []string{
				"ipv4 66.210.228.178 line 3",
				"domain dvr.example.com line 4",
				"domain xn--bcher-kva.example line 5",
				"url http://198.51.100.7:8080/gate.php line 6",
			},
			rejected: []int{7},
			reason:   "without a host",
		},
		{
			name:  "commas and semicolons inside URLs",
			input: "http://shop.example.com/Kitchen,_Inc/;jsessionid=1 phishing\nshop.example.com/a,b\n",
			want: []string{
				"url http://shop.example.com/Kitchen,_Inc/;jsessionid=1 line 1",
				"url http://shop.example.com/a line 2 [b]",
			},
		},
		{
			name:  "comments, blank lines and whitespace",
			input: "; semicolon comment\n   # indented comment\n\t\n  \n  evil.example.net  \n",
			want:  []string{"domain evil.example.net line 5"},
		},
		{
			name:  "byte order mark and CRLF",
			input: "\xef\xbb\xbf192.0.2.1\r\n# c\r\n192.0.2.2\r\n",
			want:  []string{"ipv4 192.0.2.1 line 1", "ipv4 192.0.2.2 line 3"},
		},
		{
			name:  "no newline at the end",
			input: "192.0.2.1\n192.0.2.2",
			want:  []string{"ipv4 192.0.2.1 line 1", "ipv4 192.0.2.2 line 2"},
		},
		{
			name:  "defanged, upper case and IPv6",
			input: "evil[.]Example[.]com\nhxxp://evil.example.com/a\n2001:DB8::1\n2001:db8::/48\n",
			want: []string{
				"domain evil.example.com line 1",
				"url http://evil.example.com/a line 2",
				"ipv6 2001:db8::1 line 3",
				"cidr 2001:db8::/48 line 4",
			},
		},
		{
			name:     "values that are not indicators",
			input:    "co.uk\nlocalhost\n;\n,leading-comma\n",
			want:     nil,
			rejected: []int{1, 2, 4},
			reason:   "public suffix",
		},
		{
			name:     "a long line is rejected and reading goes on",
			input:    long + "\n192.0.2.1\n" + long,
			want:     []string{"ipv4 192.0.2.1 line 2"},
			rejected: []int{1, 3},
			reason:   "longer than 64 KiB",
		},
		{
			name:  "a long comment is a comment",
			input: "#" + long + "\n192.0.2.1\n",
			want:  []string{"ipv4 192.0.2.1 line 2"},
		},
		{
			name:  "the longest line that fits",
			input: "192.0.2.1" + strings.Repeat(" ", maxLineLen-len("192.0.2.1")-1) + "\n192.0.2.2\n",
			want:  []string{"ipv4 192.0.2.1 line 1", "ipv4 192.0.2.2 line 2"},
		},
		{
			name:  "malware family from a maltrail archive member",
			file:  "trails-static.tar!static/malware/emotet.txt",
			input: "dvr.example.com\n0c2674c3a97c53082187d930efb645c2;dropper\n",
			want: []string{
				"domain dvr.example.com line 1 [emotet]",
				"md5 0c2674c3a97c53082187d930efb645c2 line 2 [dropper|emotet]",
			},
		},
		{
			name:  "malware family from a directory on disk",
			file:  filepath.Join("feeds", "malicious", "404_tds.txt"),
			input: "tds.example.com\n",
			want:  []string{"domain tds.example.com line 1 [404_tds]"},
		},
		{
			name:  "no family outside malware directories",
			file:  "trails.tar!static/suspicious/dynamic_domain.txt",
			input: "tds.example.com\n",
			want:  []string{"domain tds.example.com line 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "list.txt"
			}
			rep, got, err := listParse(t, ParseList, file, tt.input, Options{})
			if err != nil {
				t.Fatalf("ParseList: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("indicators:\n got %q\nwant %q", got, tt.want)
			}
			if rl := listRejectedLines(rep); !slices.Equal(rl, tt.rejected) || rep.Rejected != len(tt.rejected) {
				t.Errorf("rejected lines %v (%d), want %v; problems %+v", rl, rep.Rejected, tt.rejected, rep.Problems)
			}
			if rep.Total != len(tt.want) {
				t.Errorf("Total = %d, want %d", rep.Total, len(tt.want))
			}
			if tt.reason != "" && !slices.ContainsFunc(rep.Problems, func(p Problem) bool { return strings.Contains(p.Reason, tt.reason) }) {
				t.Errorf("problems %+v, want a reason containing %q", rep.Problems, tt.reason)
			}
		})
	}
}

// TestParseListFixtures parses the list fixtures under testdata/lists.
func TestParseListFixtures(t *testing.T) {
	tests := []struct {
		file             string
		total, rejected  int
		byType           map[vigil.IndicatorType]int
		firstIndicator   string
		labelledByFamily bool
	}{
		{
			file: "mixed.txt", total: 12, rejected: 3,
			byType: map[vigil.IndicatorType]int{
				vigil.TypeIPv4: 3, vigil.TypeIPv6: 1, vigil.TypeCIDR: 2, vigil.TypeDomain: 2,
				vigil.TypeURL: 2, vigil.TypeMD5: 1, vigil.TypeSHA256: 1,
			},
			firstIndicator: "ipv4 192.0.2.10 line 6",
		},
		{
			file: "static/malware/examplebot.txt", total: 4, rejected: 1,
			byType:           map[vigil.IndicatorType]int{vigil.TypeIPv4: 2, vigil.TypeDomain: 1, vigil.TypeURL: 1},
			firstIndicator:   "ipv4 198.51.100.20 line 6 [examplebot]",
			labelledByFamily: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "lists", filepath.FromSlash(tt.file))
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rep, got, err := listParse(t, ParseList, path, string(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Total != tt.total || rep.Rejected != tt.rejected {
				t.Errorf("total %d rejected %d, want %d and %d; problems %+v", rep.Total, rep.Rejected, tt.total, tt.rejected, rep.Problems)
			}
			for typ, n := range tt.byType {
				if rep.ByType[typ] != n {
					t.Errorf("by_type[%s] = %d, want %d (all: %v)", typ, rep.ByType[typ], n, rep.ByType)
				}
			}
			if len(got) == 0 || got[0] != tt.firstIndicator {
				t.Errorf("first indicator %q, want %q", got, tt.firstIndicator)
			}
			for _, g := range got {
				if strings.Contains(g, "examplebot]") != tt.labelledByFamily {
					t.Errorf("family label on %q: want labelled=%v", g, tt.labelledByFamily)
				}
			}
		})
	}
}

func TestParseCSV(t *testing.T) {
	tweetfeed := "2026-07-23 01:31:00,analyst1,domain,phish.example.com,#phishing,https://x.example/1\n" +
		"2026-07-23 01:31:00,analyst1,url,https://phish.example.com,#phishing #scam,https://x.example/1\n" +
		"2026-07-23 02:44:00,analyst2,ip,198.51.100.7,,https://x.example/2\n" +
		"2026-07-23 02:45:00,analyst2,sha256,C03318CB12B827C03D556C8747B1E323225DF97BDC4258C2756B0D6A4FD52B47,#malware,https://x.example/3\n" +
		"2026-07-23 02:46:00,analyst3,url,\"http://shop.example.com/Kitchen_and_Bath,_Inc/\",#phishing,https://x.example/4\n" +
		"2026-07-23 02:47:00,analyst3,md5,0c2674c3a97c53082187d930efb645c2,#malware,https://x.example/5\n"
	tests := []struct {
		name     string
		input    string
		opts     CSVOptions
		want     []string
		rejected []int
		skipped  map[string]int
		err      string // substring of the expected error
	}{
		{
			name:  "tweetfeed: type column then value, hashtags and dates, no header",
			input: tweetfeed,
			want: []string{
				"domain phish.example.com line 1 [phishing] first=2026-07-23T01:31:00Z",
				"url https://phish.example.com/ line 2 [phishing|scam] first=2026-07-23T01:31:00Z",
				"ipv4 198.51.100.7 line 3 first=2026-07-23T02:44:00Z",
				"sha256 c03318cb12b827c03d556c8747b1e323225df97bdc4258c2756b0d6a4fd52b47 line 4 [malware] first=2026-07-23T02:45:00Z",
				"url http://shop.example.com/Kitchen_and_Bath,_Inc/ line 5 [phishing] first=2026-07-23T02:46:00Z",
				"md5 0c2674c3a97c53082187d930efb645c2 line 6 [malware] first=2026-07-23T02:47:00Z",
			},
		},
		{
			name:  "header with value, type and tags columns",
			input: "Indicator,Type,Tags,Comment\nevil.example.com,hostname,\"apt1,c2\",seen\n2001:db8::1,IPv6,,\n192.0.2.0/24,CIDR,apt1,\n",
			want: []string{
				"domain evil.example.com line 2 [apt1|c2]",
				"ipv6 2001:db8::1 line 3",
				"cidr 192.0.2.0/24 line 4 [apt1]",
			},
			skipped: map[string]int{"header row": 1},
		},
		{
			name:  "header whose value column names the type",
			input: "first_seen_utc,sha256_hash,md5_hash,signature\n2024-05-01 10:00:00,c03318cb12b827c03d556c8747b1e323225df97bdc4258c2756b0d6a4fd52b47,0c2674c3a97c53082187d930efb645c2,AgentTesla\n",
			want: []string{
				"sha256 c03318cb12b827c03d556c8747b1e323225df97bdc4258c2756b0d6a4fd52b47 line 2 first=2024-05-01T10:00:00Z",
			},
			skipped: map[string]int{"header row": 1},
		},
		{
			name: "type column after the value, no header",
			input: "1,evil.example.com,domain,botnet_cc\n2,198.51.100.7:443,ip:port,botnet_cc\n" +
				"3,http://evil.example.com/x,url,payload\n4,0c2674c3a97c53082187d930efb645c2,md5_hash,payload\n",
			want: []string{
				"domain evil.example.com line 1",
				"ipv4 198.51.100.7 line 2",
				"url http://evil.example.com/x line 3",
				"md5 0c2674c3a97c53082187d930efb645c2 line 4",
			},
		},
		{
			name:     "untyped: the first column of indicators, no header",
			input:    "1001,online,192.0.2.1,evil.example.com\n1002,offline,192.0.2.2,evil.example.org\n1003,online,not-an-ip,x.example.net\n",
			want:     []string{"ipv4 192.0.2.1 line 1", "ipv4 192.0.2.2 line 2"},
			rejected: []int{3},
		},
		{
			name:  "columns by number",
			input: "domain,evil.example.com,x\nurl,evil.example.com/a,y\n",
			opts:  CSVOptions{ValueColumn: "2", TypeColumn: "1"},
			want:  []string{"domain evil.example.com line 1", "url http://evil.example.com/a line 2"},
		},
		{
			name:    "columns by name",
			input:   "kind,observable_value,note\ndomain,evil.example.com,x\n",
			opts:    CSVOptions{ValueColumn: "Observable Value", TypeColumn: "kind"},
			want:    []string{"domain evil.example.com line 2"},
			skipped: map[string]int{"header row": 1},
		},
		{
			name:  "a value column without a type column detects each type",
			input: "a,evil.example.com\nb,192.0.2.1\n",
			opts:  CSVOptions{ValueColumn: "2"},
			want:  []string{"domain evil.example.com line 1", "ipv4 192.0.2.1 line 2"},
		},
		{
			name:  "a column name that is not in the header",
			input: "type,value\ndomain,evil.example.com\n",
			opts:  CSVOptions{ValueColumn: "indicator"},
			err:   `no CSV column named "indicator"`,
		},
		{
			name:  "column zero",
			input: "domain,evil.example.com\n",
			opts:  CSVOptions{ValueColumn: "0"},
			err:   "numbered from 1",
		},
		{
			name:  "the ip type resolved from the value",
			input: "type,value\nip,192.0.2.1\nip,2001:db8::1\nip,192.0.2.0/24\nip,evil.example.com\nip,[2001:db8::2]:443\n",
			want: []string{
				"ipv4 192.0.2.1 line 2",
				"ipv6 2001:db8::1 line 3",
				"cidr 192.0.2.0/24 line 4",
				"ipv6 2001:db8::2 line 6",
			},
			rejected: []int{5},
			skipped:  map[string]int{"header row": 1},
		},
		{
			name:  "a generic hash type picks by length",
			input: "type,value\nhash,0c2674c3a97c53082187d930efb645c2\nFileHash-SHA1,da39a3ee5e6b4b0d3255bfef95601890afd80709\nhash,abc\n",
			want: []string{
				"md5 0c2674c3a97c53082187d930efb645c2 line 2",
				"sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 line 3",
			},
			rejected: []int{4},
			skipped:  map[string]int{"header row": 1},
		},
		{
			name:     "unsupported types are skipped, short rows and empty values rejected",
			input:    "type,value\nmutex,Global\\xyz\nyara,rule x {}\ndomain\ndomain,\nDomain,evil.example.com\n",
			want:     []string{"domain evil.example.com line 6"},
			rejected: []int{4, 5},
			skipped:  map[string]int{"header row": 1, "row of type mutex": 1, "row of type yara": 1},
		},
		{
			name:    "comments and blank lines",
			input:   "# exported 2026-08-01\n\ntype,value\n# section\ndomain,evil.example.com\n\n",
			want:    []string{"domain evil.example.com line 5"},
			skipped: map[string]int{"header row": 1},
		},
		{
			name:    "a field spanning lines is numbered by its first line",
			input:   "type,value,note\ndomain,evil.example.com,\"two\nlines\"\ndomain,evil.example.org,x\n",
			want:    []string{"domain evil.example.com line 2", "domain evil.example.org line 4"},
			skipped: map[string]int{"header row": 1},
		},
		{
			name:    "a quote that never closes ends the input",
			input:   "type,value\ndomain,evil.example.com\ndomain,\"never closed\n" + strings.Repeat("domain,evil.example.org\n", 2*maxRecordLen/24),
			want:    []string{"domain evil.example.com line 2"},
			skipped: map[string]int{"header row": 1},
			err:     "never closes",
		},
		{
			name:  "no column of indicators",
			input: "a,b,c\nd,e,f\n",
			err:   "no column holds indicators",
		},
		{
			name:  "very wide rows are judged on their first columns",
			input: strings.Repeat(strings.Repeat("x,", 50000)+"evil.example.com\n", csvSampleRows),
			err:   "no column holds indicators",
		},
		{
			name:    "a header and nothing else",
			input:   "type,value,tags\n",
			skipped: map[string]int{"header row": 1},
		},
		{
			name:  "empty input",
			input: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, got, err := listParse(t, ParseCSV, "export.csv", tt.input, Options{CSV: tt.opts})
			if (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("error %v, want %q", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("indicators:\n got %q\nwant %q", got, tt.want)
			}
			if rl := listRejectedLines(rep); !slices.Equal(rl, tt.rejected) || rep.Rejected != len(tt.rejected) {
				t.Errorf("rejected lines %v (%d), want %v; problems %+v", rl, rep.Rejected, tt.rejected, rep.Problems)
			}
			if !loadMapsEqual(rep.Skipped, tt.skipped) {
				t.Errorf("skipped %v, want %v", rep.Skipped, tt.skipped)
			}
		})
	}
}

// TestParseCSVReadError checks that a read error ends the input with that error.
func TestParseCSVReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("type,value\ndomain,evil.example.com\n"), listErrReader{boom})
	rep := &Report{}
	err := ParseCSV(r, "export.csv", NewSink(Options{}, rep, func(vigil.Indicator) {}))
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
	err = ParseList(io.MultiReader(strings.NewReader("192.0.2.1\n"), listErrReader{boom}), "list.txt", NewSink(Options{}, rep, func(vigil.Indicator) {}))
	if !errors.Is(err, boom) {
		t.Errorf("ParseList error %v, want %v", err, boom)
	}
}

type listErrReader struct{ err error }

func (e listErrReader) Read([]byte) (int, error) { return 0, e.err }

// FuzzParseList checks that no input panics and that every line that is not blank or a
// comment is either accepted or rejected, exactly once.
func FuzzParseList(f *testing.F) {
	for _, seed := range []string{
		"", "\n", "#c\n192.0.2.1\n", "192.0.2.1\t5\n", "0c2674c3a97c53082187d930efb645c2;desc\n",
		"evil.example.com # c\r\n", "198.51.100.7:443/gate.php\n;x\n", "\xef\xbb\xbfa.example.com",
		"224.0.0.0/3\n2001:db8::/16\n", "hxxp://evil[.]example[.]com/x\n", "/path\n,\n;\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) >= maxLineLen {
			t.Skip("long lines are tested in TestParseList")
		}
		rep, _, err := listParse(t, ParseList, "fuzz.txt", string(data), Options{})
		if err != nil {
			t.Fatalf("ParseList: %v", err)
		}
		if want := countListLines(data); rep.Total+rep.Rejected+rep.NotMatchable != want {
			t.Errorf("total %d + rejected %d + not matchable %d != %d indicator lines", rep.Total, rep.Rejected, rep.NotMatchable, want)
		}
	})
}

// countListLines counts the lines that are neither blank nor comments.
func countListLines(data []byte) int {
	data = bytes.TrimPrefix(data, utf8BOM)
	n := 0
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.Trim(line, " \t\r\v\f")
		if line != "" && line[0] != '#' && line[0] != ';' {
			n++
		}
	}
	return n
}

// FuzzParseCSV checks that no input panics and that, unless the input is refused as a
// whole, every record is accepted, rejected or skipped exactly once.
func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{
		"", "type,value\ndomain,evil.example.com\n", "a,b,c\n",
		"2026-07-23 01:31:00,u,domain,x.example.com,#phishing,https://x.example/1\n",
		"1,192.0.2.1,ip:port,x\n2,\"a,b\",url,y\n", "value\n\"unclosed\n", "# c\n,,\n\n",
		"indicator;type\nx;y\n", "ip,ip,ip\nip,192.0.2.1,2001:db8::1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, _, err := listParse(t, ParseCSV, "fuzz.csv", string(data), Options{})
		if err != nil {
			return // refused as a whole: no column of indicators
		}
		skipped := 0
		for _, n := range rep.Skipped {
			skipped += n
		}
		if want := listCountCSVRecords(t, data); rep.Total+rep.Rejected+skipped != want {
			t.Errorf("total %d + rejected %d + skipped %d != %d records", rep.Total, rep.Rejected, skipped, want)
		}
	})
}

// listCountCSVRecords counts records (and malformed records) read with ParseCSV's settings.
func listCountCSVRecords(t *testing.T, data []byte) int {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord, cr.LazyQuotes, cr.Comment = -1, true, '#'
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return n
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("reading: %v", err)
		}
		n++
	}
}

// benchList builds n list lines mixing the shapes real lists have.
func benchList(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("# generated\n")
	for i := range n {
		switch i % 8 {
		case 0, 1, 2:
			fmt.Fprintf(&b, "%d.%d.%d.%d\t%d\n", 1+rng.IntN(222), rng.IntN(256), rng.IntN(256), rng.IntN(256), 1+rng.IntN(9))
		case 3:
			fmt.Fprintf(&b, "%d.%d.%d.0/24\n", 1+rng.IntN(222), rng.IntN(256), rng.IntN(256))
		case 4, 5:
			fmt.Fprintf(&b, "host%d.example%d.com\n", rng.IntN(1e6), rng.IntN(1e3))
		case 6:
			fmt.Fprintf(&b, "%016x%016x;dropper\n", rng.Uint64(), rng.Uint64())
		case 7:
			fmt.Fprintf(&b, "%016x%016x%016x%016x\n", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
		}
	}
	return b.Bytes()
}

// BenchmarkParseList imports a million generated list lines per iteration; the
// indicators/s metric includes the sink's normalisation.
func BenchmarkParseList(b *testing.B) {
	const n = 1 << 20
	data := benchList(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		rep := &Report{}
		s := NewSink(Options{}, rep, func(vigil.Indicator) {})
		if err := ParseList(bytes.NewReader(data), "bench.txt", s); err != nil {
			b.Fatal(err)
		}
		if rep.Total != n {
			b.Fatalf("total %d, want %d (rejected %d: %+v)", rep.Total, n, rep.Rejected, rep.Problems)
		}
		total += rep.Total
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "indicators/s")
}

// BenchmarkParseCSV imports generated TweetFeed-shaped rows.
func BenchmarkParseCSV(b *testing.B) {
	const n = 1 << 17
	rng := rand.New(rand.NewPCG(3, 4))
	var buf bytes.Buffer
	for i := range n {
		ts := time.Date(2026, 7, 23, 0, 0, i%86400, 0, time.UTC).Format(time.DateTime)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&buf, "%s,user%d,domain,host%d.example.com,#phishing,https://x.example/%d\n", ts, i%50, rng.IntN(1e6), i)
		case 1:
			fmt.Fprintf(&buf, "%s,user%d,url,https://host%d.example.com/login.php,#phishing #scam,https://x.example/%d\n", ts, i%50, rng.IntN(1e6), i)
		case 2:
			fmt.Fprintf(&buf, "%s,user%d,ip,%s,#malware,https://x.example/%d\n", ts, i%50,
				netip.AddrFrom4([4]byte{byte(1 + rng.IntN(222)), byte(rng.IntN(256)), byte(rng.IntN(256)), 1}), i)
		case 3:
			fmt.Fprintf(&buf, "%s,user%d,sha256,%016x%016x%016x%016x,,https://x.example/%d\n", ts, i%50, rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64(), i)
		}
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		rep := &Report{}
		s := NewSink(Options{}, rep, func(vigil.Indicator) {})
		if err := ParseCSV(bytes.NewReader(data), "bench.csv", s); err != nil {
			b.Fatal(err)
		}
		if rep.Total != n {
			b.Fatalf("total %d, want %d (rejected %d: %+v)", rep.Total, n, rep.Rejected, rep.Problems)
		}
		total += rep.Total
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "indicators/s")
}
