package warn

import (
	"bytes"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// FuzzParseEvents checks that no input makes the parser panic or miscount: every line is
// accepted, rejected or blank, and every accepted event passes the rules again.
// The seed corpus is in testdata/fuzz/FuzzParseEvents.
func FuzzParseEvents(f *testing.F) {
	f.Add([]byte(eventLine(nil) + "\n\n" + eventLine(map[string]any{"severity": "urgent"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := 0
		rep, err := testParser.Parse(bytes.NewReader(data), func(line int, ev vigil.ThreatEvent) {
			calls++
			if line < 1 {
				t.Errorf("event on line %d", line)
			}
			checkAccepted(t, ev)
		})
		if err != nil {
			t.Fatalf("Parse of an in-memory input failed: %v", err)
		}
		if rep.Accepted+rep.Rejected+rep.Blank != rep.Lines {
			t.Errorf("accepted %d + rejected %d + blank %d != lines %d", rep.Accepted, rep.Rejected, rep.Blank, rep.Lines)
		}
		if calls != rep.Accepted {
			t.Errorf("callback ran %d times for %d accepted events", calls, rep.Accepted)
		}
		if len(rep.Problems) != min(rep.Rejected, MaxProblems) {
			t.Errorf("%d problems kept for %d rejected lines", len(rep.Problems), rep.Rejected)
		}
	})
}

// checkAccepted re-checks the rules on an event the parser accepted.
func checkAccepted(t *testing.T, ev vigil.ThreatEvent) {
	t.Helper()
	if !validType(ev.Type) || ev.Source == "" || ev.Severity.Rank() == 0 || ev.Time.IsZero() {
		t.Errorf("accepted an event missing a required field: %+v", ev)
	}
	switch ev.ObservableType {
	case vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeDomain, vigil.TypeURL:
	default:
		t.Errorf("accepted observable type %q", ev.ObservableType)
	}
	if typ, v, err := ioc.Normalize(ev.ObservableType, ev.Observable); err != nil || typ != ev.ObservableType || v != ev.Observable {
		t.Errorf("accepted observable %s %q is not normalised: %s %q %v", ev.ObservableType, ev.Observable, typ, v, err)
	}
	if ev.Port < 0 || ev.Port > 65535 || ev.CVE != "" && !validCVE(ev.CVE) {
		t.Errorf("accepted a bad port or CVE: %+v", ev)
	}
	if ev.Time.After(testNow.Add(MaxFuture)) {
		t.Errorf("accepted an event from the future: %v", ev.Time)
	}
}
