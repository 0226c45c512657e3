package sightings

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// FuzzIngestTelemetry feeds request bodies through IngestTelemetry as the API does: it
// must never panic, refuse only with an invalid-input or too-large error, and its
// counts must add up and match what it stored.
func FuzzIngestTelemetry(f *testing.F) {
	plain := strings.Join(sensorLines, "\n")
	f.Add([]byte(plain))
	f.Add(gzipped(f, []byte(plain)))
	f.Add(gzipped(f, []byte(plain))[:40])
	f.Add([]byte("\x1f\x8b"))
	f.Add([]byte(""))
	f.Add([]byte("\n\r\n \n"))
	f.Add([]byte(`[1]` + "\n" + `"x"` + "\n" + `{"a":{"b":["203.0.113.1","evil.example"]}}`))
	f.Add([]byte(`{"_path":"dns","query":"a.evil.example"}` + "\r\n" + `{"src_ip":"::ffff:203.0.113.5","event_type":"flow"}`))
	f.Add([]byte(zeekDNS(teleDay.AddDate(1, 0, 0), "a.evil.example") + "\n" + sysmonDNS(teleDay.AddDate(-1, 0, 0), "b.evil.example") +
		"\n" + zeekDNS(teleDay.AddDate(0, 0, -1), "c.evil.example")))
	dir := f.TempDir()
	e := openTeleEnv(f, store.Config{DataDir: dir}, "sqlite", "file:"+filepath.Join(dir, "vigil.db")+"?mode=ro",
		Deps{MaxTelemetryBytes: 1 << 20})
	e.dir = dir
	e.useIndicators(sensorIndicators...)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := e.count(t, `SELECT COALESCE(SUM(count), 0) FROM sightings`)
		res, err := e.svc.IngestTelemetry(t.Context(), sensor("RXA"), bytes.NewReader(body))
		var tooLarge *TooLargeError
		if err != nil && vigil.ErrorCode(err) != vigil.EINVALID && !errors.As(err, &tooLarge) {
			t.Fatalf("IngestTelemetry: %v", err)
		}
		if res.Lines != res.Events+res.Unparseable+res.Blank {
			t.Errorf("%d lines ≠ %d events + %d unparseable + %d blank", res.Lines, res.Events, res.Unparseable, res.Blank)
		}
		if want := min(res.Unparseable, maxTelemetryProblems); int64(len(res.Problems)) != want {
			t.Errorf("%d problems described for %d unparseable lines, want %d", len(res.Problems), res.Unparseable, want)
		}
		if res.Untimed+res.FutureTimes+res.OldTimes > res.Events {
			t.Errorf("%d untimed + %d future + %d old events of %d", res.Untimed, res.FutureTimes, res.OldTimes, res.Events)
		}
		if want := min(res.FutureTimes, 1) + min(res.OldTimes, 1); int64(len(res.TimeProblems)) != want {
			t.Errorf("time problems %q for %d future and %d old events", res.TimeProblems, res.FutureTimes, res.OldTimes)
		}
		today := vigil.DayOf(teleDay)
		if n := e.count(t, `SELECT COUNT(*) FROM sightings WHERE day > ? OR day < ?`, today.Format(time.DateOnly),
			today.AddDate(0, 0, -DefaultRetentionDays).Format(time.DateOnly)); n != 0 {
			t.Errorf("%d sightings on days after today or before the oldest kept day", n)
		}
		if gz := len(body) >= 2 && body[0] == 0x1f && body[1] == 0x8b; !gz && err == nil {
			if res.Bytes != int64(len(body)) || res.Lines != plainLines(body) {
				t.Errorf("plain body of %d bytes, %d lines: result says %d bytes, %d lines", len(body), plainLines(body), res.Bytes, res.Lines)
			}
		}
		if after := e.count(t, `SELECT COALESCE(SUM(count), 0) FROM sightings`); err == nil && after-before != res.Sightings {
			t.Errorf("%d sightings counted, %d stored", res.Sightings, after-before)
		}
	})
}

// plainLines counts lines as a reader of NDJSON does: a last line needs no newline.
func plainLines(b []byte) int64 {
	n := int64(bytes.Count(b, []byte{'\n'}))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}
