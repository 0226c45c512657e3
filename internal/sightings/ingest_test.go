package sightings

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// marker is in every test event's free text and in one observable that matches nothing:
// neither may be stored anywhere.
const marker = "QX7MARKER"

const evilHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// sensorLines are four real-shaped events (Zeek, Suricata, Sysmon, ECS), a line that is
// not JSON (line 3) and a blank line (line 6).
var sensorLines = []string{
	`{"_path":"dns","ts":"2025-11-09T09:00:00Z","id.orig_h":"10.1.2.3","id.resp_h":"10.1.0.53","query":"a.evil.example","msg":"` + marker + `"}`,
	`{"event_type":"http","timestamp":"2025-11-09T09:01:00Z","src_ip":"10.1.2.3","dest_ip":"203.0.113.9","http":{"hostname":"cdn.benign.example","url":"/x"}}`,
	`{"_path":"dns", this is not JSON ` + marker,
	`{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Hashes":"SHA256=` + strings.ToUpper(evilHash) + `","Image":"C:\\Users\\nurse\\invoice.exe"}`,
	`{"@timestamp":"2025-11-09T09:02:00Z","ecs":{"version":"8.0"},"destination":{"domain":"` + strings.ToLower(marker) + `.benign.example"},"message":"` + marker + ` said hello"}`,
	``,
}

var sensorIndicators = []vigil.Indicator{
	// MISP taxonomy tags are labels in the data, never words of the alert's sentence.
	listedAs(vigil.TypeDomain, "evil.example", "abuse.ch", 90, "qakbot", "botnet", "type:OSINT", `misp-galaxy:botnet="QakBot"`),
	listedAs(vigil.TypeCIDR, "203.0.113.0/24", "Shadowserver", 30, "type:OSINT", `admiralty-scale:source-reliability="c"`),
	listedAs(vigil.TypeSHA256, evilHash, "MalwareBazaar", -1),
}

func TestIngestTelemetryKeepsSightingsAlertsAndKeyedIndexOnly(t *testing.T) {
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		ctx := t.Context()
		e.useIndicators(sensorIndicators...)
		res := e.ingest(t, "rxa", true, sensorLines...)
		want := TelemetryResult{Lines: 6, Events: 4, Unparseable: 1, Blank: 1, Sightings: 3, Alerts: 3,
			Problems: []string{"line 3: not JSON: "}}
		if res.Lines != want.Lines || res.Events != want.Events || res.Unparseable != want.Unparseable ||
			res.Blank != want.Blank || res.Sightings != want.Sightings || res.Alerts != want.Alerts {
			t.Errorf("result %+v, want counts as in %+v", res, want)
		}
		if len(res.Problems) != 1 || !strings.HasPrefix(res.Problems[0], want.Problems[0]) {
			t.Errorf("problems %q, want one starting %q", res.Problems, want.Problems[0])
		}
		if n := int64(len(strings.Join(sensorLines, "\n")) + 1); res.Bytes != n || res.Observables < 8 {
			t.Errorf("bytes %d (want %d, after decompression), observables %d (want at least 8)", res.Bytes, n, res.Observables)
		}

		t.Run("the same upload again repeats the alerts of the day", func(t *testing.T) {
			again := e.ingest(t, "RXA", false, sensorLines...)
			if again.Alerts != 0 || again.AlertRepeats != 3 {
				t.Errorf("again: %d alerts, %d repeats; want 0 and 3", again.Alerts, again.AlertRepeats)
			}
		})
		t.Run("sightings", func(t *testing.T) {
			rows, _, err := e.store.ListSightings(ctx, vigil.SightingFilter{Org: "RXA"})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, r := range rows {
				got[r.Field+" "+r.Observable+" → "+r.Indicator] += r.Count
				if !r.Day.Equal(vigil.DayOf(teleDay)) {
					t.Errorf("sighting day %s, want %s", r.Day, vigil.DayOf(teleDay))
				}
			}
			want := map[string]int64{
				"query a.evil.example → evil.example":          2,
				"dest_ip 203.0.113.9 → 203.0.113.0/24":         2,
				"Hashes.SHA256 " + evilHash + " → " + evilHash: 2,
			}
			if !maps.Equal(got, want) {
				t.Errorf("sightings %v, want %v", got, want)
			}
		})
		t.Run("alerts", func(t *testing.T) {
			alerts, _, err := e.store.ListAlerts(ctx, vigil.AlertFilter{Org: "RXA", Kind: vigil.AlertSighting})
			if err != nil || len(alerts) != 3 {
				t.Fatalf("%d sighting alerts, %v; want 3", len(alerts), err)
			}
			byIndicator := map[string]vigil.Alert{}
			for _, a := range alerts {
				byIndicator[a.Indicator] = a
			}
			dom := byIndicator["evil.example"]
			for _, w := range []string{"A computer at Riverside Trust RXA contacted a.evil.example (under the domain evil.example), listed by abuse.ch as qakbot, botnet (confidence 90%)", "9 November 2025", "What to do"} {
				if !strings.Contains(dom.Body, w) {
					t.Errorf("domain alert body %q lacks %q", dom.Body, w)
				}
			}
			if dom.Severity != vigil.SeverityHigh || dom.Count != 2 || dom.TLP != vigil.TLPGreen {
				t.Errorf("domain alert: severity %s count %d TLP %s; want high, 2, GREEN", dom.Severity, dom.Count, dom.TLP)
			}
			if a := byIndicator["203.0.113.0/24"]; a.Severity != vigil.SeverityLow || a.Observable != "203.0.113.9" ||
				!strings.Contains(a.Body, "listed by Shadowserver as malicious (confidence 30%)") {
				t.Errorf("network alert: severity %s observable %s; want low (30%% confidence), 203.0.113.9, listed as malicious:\n%s",
					a.Severity, a.Observable, a.Body)
			}
			if a := byIndicator[evilHash]; a.Severity != vigil.SeverityHigh {
				t.Errorf("file hash alert severity %s, want high", a.Severity)
			}
		})
		t.Run("keyed index", func(t *testing.T) {
			k := newKeyer(teleSecret)
			for _, key := range [][2]string{{"domain", "a.evil.example"}, {"domain", "evil.example"}, {"ipv4", "203.0.113.9"},
				{"cidr", "203.0.113.0/24"}, {"sha256", evilHash}, {"domain", strings.ToLower(marker) + ".benign.example"}} {
				h := k.key(key[0], key[1])
				if n := e.count(t, `SELECT COUNT(*) FROM observable_index WHERE org = ? AND hash = ?`, "RXA", h[:]); n != 1 {
					t.Errorf("%s:%s is indexed %d times for RXA, want once (one row per day)", key[0], key[1], n)
				}
			}
		})
		t.Run("no raw event text anywhere", func(t *testing.T) {
			if where := e.tablesHolding(t, "a.evil.example"); !slices.Contains(where, "sightings") {
				t.Fatalf("the sighted value is found in %v, want sightings: the search does not work", where)
			}
			for _, needle := range []string{marker, strings.ToLower(marker), "nurse", "10.1.0.53"} {
				if where := e.tablesHolding(t, needle); len(where) > 0 {
					t.Errorf("%q from the raw events is stored in %v", needle, where)
				}
			}
		})
	})
}

func TestIngestTelemetryRefusesWhenBusy(t *testing.T) {
	eachTeleEngine(t, Deps{TelemetryConcurrency: 1}, func(t *testing.T, e *teleEnv) {
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			_, err := e.svc.IngestTelemetry(t.Context(), sensor("RXA"), pr)
			done <- err
		}()
		// Once the first upload has read a line it holds the only slot.
		if _, err := pw.Write([]byte(sensorLines[0] + "\n")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.IngestTelemetry(t.Context(), sensor("RXA"), strings.NewReader(sensorLines[1])); !errors.Is(err, ErrBusy) {
			t.Errorf("second upload: %v, want ErrBusy", err)
		}
		pw.Close()
		if err := <-done; err != nil {
			t.Fatalf("first upload: %v", err)
		}
		if res := e.ingest(t, "RXA", false, sensorLines[1]); res.Events != 1 {
			t.Errorf("after the first finished: %+v, want the upload taken", res)
		}
	})
}

func TestIngestTelemetryStopsAtTheCap(t *testing.T) {
	eachTeleEngine(t, Deps{MaxTelemetryBytes: 1000}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		line := sensorLines[1] // 146 bytes with its newline: six fit in 1000
		body := strings.Repeat(line+"\n", 20)
		res, err := e.svc.IngestTelemetry(t.Context(), sensor("RXA"), bytes.NewReader(gzipped(t, []byte(body))))
		var tl *TooLargeError
		if !errors.As(err, &tl) || tl.Limit != 1000 || tl.Lines != 1000/int64(len(line)+1) {
			t.Fatalf("IngestTelemetry = %+v, %v; want a TooLargeError after %d lines", res, err, 1000/(len(line)+1))
		}
		if !strings.Contains(err.Error(), "send the rest, from line 7, in another upload") {
			t.Errorf("message %q does not say what to do", err)
		}
		rows, _, _ := e.store.ListSightings(t.Context(), vigil.SightingFilter{})
		if len(rows) != 1 || rows[0].Count != tl.Lines {
			t.Errorf("sightings %+v, want the %d lines before the cap kept", rows, tl.Lines)
		}
	})
}

func TestIngestTelemetryInput(t *testing.T) {
	long := `{"_path":"dns","query":"` + strings.Repeat("a", maxTelemetryLine) + `.example"}`
	tests := []struct {
		name string
		body []byte
		want TelemetryResult
		code string
		says string // in the error's message
	}{
		{name: "empty", body: nil, want: TelemetryResult{}},
		{name: "no final newline, CRLF", body: []byte(sensorLines[1] + "\r\n" + sensorLines[1]), want: TelemetryResult{Lines: 2, Events: 2}},
		{name: "a line too long", body: []byte(long + "\n" + sensorLines[1]), want: TelemetryResult{Lines: 2, Events: 1, Unparseable: 1}},
		{name: "gzip cut short", body: gzipped(t, []byte(strings.Repeat(sensorLines[1]+"\n", 400)))[:300], code: vigil.EINVALID, says: "the lines before it were taken"},
		{name: "gzip magic then nonsense", body: []byte("\x1f\x8bnot gzip"), code: vigil.EINVALID, says: "not a valid gzip stream"},
		{name: "a gzip header then nonsense", body: append(gzipped(t, []byte(sensorLines[1]))[:10], "\xff\xff not deflate at all"...), code: vigil.EINVALID, says: "cut short before its first line"},
		{name: "a JSON array", body: []byte(`[1,2]`), want: TelemetryResult{Lines: 1, Unparseable: 1}},
		{name: "a gzip bomb of blank lines", body: gzipped(t, bytes.Repeat([]byte("\n"), 20<<20)), code: vigil.EINVALID, says: "unpacks to more than 200 times its size"},
	}
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := e.svc.IngestTelemetry(t.Context(), sensor("RXA"), bytes.NewReader(tt.body))
				if tt.code != "" {
					if vigil.ErrorCode(err) != tt.code || !strings.Contains(vigil.ErrorMessage(err), tt.says) {
						t.Fatalf("error %v (code %s), want %s saying %q", err, vigil.ErrorCode(err), tt.code, tt.says)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Lines != tt.want.Lines || res.Events != tt.want.Events || res.Unparseable != tt.want.Unparseable {
					t.Errorf("result %+v, want %+v", res, tt.want)
				}
			})
		}
		t.Run("unknown organisation", func(t *testing.T) {
			if _, err := e.svc.IngestTelemetry(t.Context(), sensor("RZZ"), strings.NewReader(sensorLines[1])); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("error %v, want not found", err)
			}
		})
	})
}

func TestRetroHuntFindsWhatWasSeenBeforeTheIndicator(t *testing.T) {
	dns := func(name string) string { return `{"_path":"dns","id.orig_h":"10.1.2.3","query":"` + name + `"}` }
	conn := func(ip string) string { return `{"_path":"conn","id.orig_h":"10.1.2.3","id.resp_h":"` + ip + `"}` }
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		ctx := t.Context()
		days := []time.Time{teleDay.AddDate(0, 0, -40), teleDay.AddDate(0, 0, -6), teleDay.AddDate(0, 0, -4), teleDay}
		for i, d := range days {
			e.setDay(d)
			switch i {
			case 0: // past retention: forgotten
				e.ingest(t, "RXB", false, dns("x.b.evil.example"), conn("198.51.100.77"))
			case 1, 2:
				e.ingest(t, "RXA", false, dns("x.b.evil.example"), conn("198.51.100.77"), conn("2001:db8:5:6::1"))
			case 3: // today, live: RXB matches the now-known domain
				e.useIndicators(listedAs(vigil.TypeDomain, "known.example", "abuse.ch", 50))
				e.ingest(t, "RXB", false, dns("www.known.example"))
			}
		}
		e.svc.RetroHunt(ctx, []vigil.Indicator{
			listedAs(vigil.TypeDomain, "evil.example", "URLhaus", 75, "phishing"),
			listedAs(vigil.TypeDomain, "evil.example", "abuse.ch", -1),
			listedAs(vigil.TypeCIDR, "198.51.0.0/16", "Spamhaus DROP", -1),
			listedAs(vigil.TypeCIDR, "198.51.100.64/28", "Feodo", 90, "c2"),
			listedAs(vigil.TypeCIDR, "2001:db8::/32", "test", -1),
			listedAs(vigil.TypeDomain, "known.example", "abuse.ch", 50),
			listedAs(vigil.TypeDomain, "never.example", "abuse.ch", 50),
			listedAs(vigil.TypeCIDR, "10.0.0.0/8", "too wide", 50),
		})
		alerts, _, err := e.store.ListAlerts(ctx, vigil.AlertFilter{Kind: vigil.AlertRetroHunt})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]vigil.Alert{}
		for _, a := range alerts {
			got[a.Org+" "+a.Indicator] = a
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		})
		want := []string{"RXA 198.51.0.0/16", "RXA 198.51.100.64/28", "RXA 2001:db8::/32", "RXA evil.example"}
		if !slices.Equal(keys, want) {
			t.Fatalf("retro-hunt alerts for %q, want %q (RXB's sighting is past retention; known.example was matched live)", keys, want)
		}
		dom := got["RXA evil.example"]
		if !dom.FirstSeen.Equal(vigil.DayOf(days[1])) || vigil.DayOf(dom.LastSeen) != vigil.DayOf(days[2]) {
			t.Errorf("first/last seen %s/%s, want the days %s and %s", dom.FirstSeen, dom.LastSeen, days[1], days[2])
		}
		for _, w := range []string{"Between 3 and 5 November 2025 a device at Riverside Trust RXA contacted evil.example or a name under it, which URLhaus and abuse.ch have just listed as phishing (confidence 75%)"} {
			if !strings.Contains(dom.Body, w) {
				t.Errorf("body %q lacks %q", dom.Body, w)
			}
		}
		if net := got["RXA 198.51.0.0/16"]; !strings.Contains(net.Body, "an address in 198.51.100.0/24 (inside the network 198.51.0.0/16)") {
			t.Errorf("network body %q does not say which /24", net.Body)
		}
		if c2 := got["RXA 198.51.100.64/28"]; c2.Observable != "198.51.100.77" || c2.Severity != vigil.SeverityHigh {
			t.Errorf("/28 alert observable %q severity %s, want the address itself and high", c2.Observable, c2.Severity)
		}

		t.Run("a second retro-hunt repeats rather than duplicates", func(t *testing.T) {
			e.svc.RetroHunt(ctx, []vigil.Indicator{listedAs(vigil.TypeDomain, "evil.example", "URLhaus", 75, "phishing")})
			again, _, _ := e.store.ListAlerts(ctx, vigil.AlertFilter{Kind: vigil.AlertRetroHunt})
			if len(again) != len(alerts) {
				t.Errorf("%d retro-hunt alerts after a repeat, want %d", len(again), len(alerts))
			}
		})
	})
}

func TestHousekeepingPurgesPastRetention(t *testing.T) {
	eachTeleEngine(t, Deps{RetentionDays: 30}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		for _, d := range []time.Time{teleDay.AddDate(0, 0, -31), teleDay.AddDate(0, 0, -30), teleDay} {
			e.setDay(d)
			e.ingest(t, "RXA", false, sensorLines[0])
		}
		perDay := e.count(t, `SELECT COUNT(*) FROM observable_index`) / 3
		h, err := e.svc.housekeep(t.Context(), teleDay, true)
		if err != nil {
			t.Fatal(err)
		}
		if h.Observables != perDay || h.Sightings != 1 {
			t.Errorf("purged %+v, want the %d index rows and 1 sighting of the day 31 days ago", h, perDay)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM sightings`); n != 2 {
			t.Errorf("%d sightings left, want 2 (30 days ago and today)", n)
		}
	})
}

// Each upload is counted against the sensor's token for the sector report, however much
// of it matched; a push without a token (in-process) is not.
func TestIngestCountsTheSensor(t *testing.T) {
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(sensorIndicators...)
		withToken := sensor("RXA")
		withToken.TokenID = 41
		for _, p := range []vigil.Principal{withToken, withToken, sensor("RXA")} {
			if _, err := e.svc.IngestTelemetry(t.Context(), p, strings.NewReader(strings.Join(sensorLines, "\n"))); err != nil {
				t.Fatal(err)
			}
		}
		day := vigil.DayOf(e.svc.now())
		got, err := e.store.ReportTelemetry(t.Context(), day, day.AddDate(0, 0, 1))
		if err != nil || got.Sensors != 1 || got.Uploads != 2 || got.Events == 0 || got.Events%2 != 0 {
			t.Errorf("ReportTelemetry = %+v, %v; want token 41's two uploads and their events", got, err)
		}
	})
}
