package earlywarning

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/warn"
)

// FuzzIngestEvents feeds arbitrary bodies through the events flow on a real store: it
// must never panic or fail, every non-blank line must be either accepted or rejected,
// every accepted event routed or kept as unrouted, and every problem must name a line
// of the input.
func FuzzIngestEvents(f *testing.F) {
	seen := warnNow.Add(-time.Hour)
	for _, seed := range []string{
		event("compromise", "192.0.2.10", seen, vigil.SeverityHigh) + "\n",
		event("open_port", "www.rxa.example", seen, vigil.SeverityLow, "port", 3389, "service", "rdp") + "\n{bad\n\n",
		"\xef\xbb\xbf" + event("phishing", "https://rxb.example/x", seen, vigil.SeverityMedium) + "\r\n",
		event("scan", "203.0.113.9", seen, vigil.SeverityLow) + "\n" + `{"type":"x"}`,
		"",
		"\n\n   \n",
		`{"type":"compromise","observable":"192.0.2.300","time":"2025-03-14T04:00:00Z","source":"s","severity":"high"}`,
		strings.Repeat(`{"type":"vulnerable_service","observable":"192.0.2.129","time":"2025-03-14T04:00:00Z","source":"s","severity":"critical","cve":"CVE-2024-3400"}`+"\n", 3),
	} {
		f.Add([]byte(seed))
	}
	s := storetest.Open(f)
	warnSector(f, s)
	svc := newWarnService(f, s, &fakeNow{warnNow})
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := svc.IngestEvents(t.Context(), analyst("fuzz@centre.example"), bytes.NewReader(body))
		if err != nil {
			t.Fatalf("IngestEvents: %v", err)
		}
		lines, nonBlank := countLines(body)
		if res.Accepted+res.Rejected != nonBlank {
			t.Errorf("accepted %d + rejected %d != %d non-blank lines", res.Accepted, res.Rejected, nonBlank)
		}
		if res.Routed+res.Unrouted != res.Accepted || res.Alerts+res.Repeats < res.Routed {
			t.Errorf("result %+v does not add up", res)
		}
		if len(res.Problems) > min(res.Rejected, warn.MaxProblems) {
			t.Errorf("%d problems for %d rejected lines", len(res.Problems), res.Rejected)
		}
		for _, p := range res.Problems {
			if p.Line < 1 || p.Line > lines || p.Message == "" {
				t.Errorf("problem %v is not about one of the %d lines", p, lines)
			}
		}
	})
}

// countLines counts lines as the events parser reads them (for lines shorter than its
// limit): split at "\n", a last line without one counts, a leading byte-order mark and
// white space alone make a line blank.
func countLines(b []byte) (lines, nonBlank int) {
	if len(b) == 0 {
		return 0, 0
	}
	parts := bytes.Split(b, []byte("\n"))
	if len(parts[len(parts)-1]) == 0 {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		if i == 0 {
			p = bytes.TrimPrefix(p, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimLeft(p, " \t\r\n")) > 0 {
			nonBlank++
		}
	}
	return len(parts), nonBlank
}
