package sightings

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// zeekDNS is a Zeek dns.log event at ts (epoch seconds, as Zeek writes it) asking for name.
func zeekDNS(ts time.Time, name string) string {
	return `{"_path":"dns","ts":` + strconv.FormatFloat(float64(ts.UnixMicro())/1e6, 'f', 6, 64) +
		`,"id.orig_h":"10.1.2.3","query":"` + name + `"}`
}

// sysmonDNS is a Sysmon DNS query event at UtcTime t.
func sysmonDNS(t time.Time, name string) string {
	return `{"EventID":22,"Channel":"Microsoft-Windows-Sysmon/Operational","UtcTime":"` +
		t.UTC().Format("2006-01-02 15:04:05.000") + `","QueryName":"` + name + `"}`
}

// TestIngestTakesTheEventsTime checks the clock-skew rules over one upload received at
// teleDay (9 November 2025, 10:30 UTC): sightings take each event's own time, a time too
// far ahead is taken as the time received and counted, an event with no time takes the
// time received, and one older than the retention is filed under the oldest kept day.
func TestIngestTakesTheEventsTime(t *testing.T) {
	yesterday := teleDay.Add(-20 * time.Hour) // 8 November, 14:30
	tests := []struct {
		name    string
		line    string
		day     time.Time // the sighting's day
		seen    time.Time // its first and last seen
		problem string    // in TimeProblems, when a rule applied
		count   func(TelemetryResult) int64
	}{
		{name: "zeek ts, the day before", line: zeekDNS(yesterday.Add(123456*time.Microsecond), "a.evil.example"),
			day: vigil.DayOf(yesterday), seen: yesterday.Add(123456 * time.Microsecond)},
		{name: "sysmon UtcTime, earlier today", line: sysmonDNS(teleDay.Add(-time.Hour), "b.evil.example"),
			day: vigil.DayOf(teleDay), seen: teleDay.Add(-time.Hour)},
		{name: "a minute ahead: the time received, not counted", line: zeekDNS(teleDay.Add(time.Minute), "c.evil.example"),
			day: vigil.DayOf(teleDay), seen: teleDay},
		{name: "a year ahead: the time received, counted", line: zeekDNS(teleDay.AddDate(1, 0, 0), "d.evil.example"),
			day: vigil.DayOf(teleDay), seen: teleDay, count: func(r TelemetryResult) int64 { return r.FutureTimes },
			problem: "line 1: ts 2026-11-09T10:30:00Z is 365 days ahead of the server's clock (2025-11-09T10:30:00Z); taken as the time received. Check the sensor's clock"},
		{name: "no time: the time received", line: `{"_path":"dns","id.orig_h":"10.1.2.3","query":"e.evil.example"}`,
			day: vigil.DayOf(teleDay), seen: teleDay, count: func(r TelemetryResult) int64 { return r.Untimed }},
		{name: "past retention: the oldest kept day", line: sysmonDNS(teleDay.AddDate(0, -3, 0), "f.evil.example"),
			day: vigil.DayOf(teleDay).AddDate(0, 0, -DefaultRetentionDays), seen: teleDay.AddDate(0, -3, 0),
			count:   func(r TelemetryResult) int64 { return r.OldTimes },
			problem: "line 1: UtcTime 2025-08-09T10:30:00Z is older than the 30 days the server keeps; matched, and filed under 2025-10-10, the oldest day kept"},
	}
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		e.useIndicators(listedAs(vigil.TypeDomain, "evil.example", "abuse.ch", 90))
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := e.ingest(t, "RXA", false, tt.line)
				var counted int64
				if tt.count != nil {
					counted = tt.count(res)
				}
				if tt.count != nil && counted != 1 || res.Untimed+res.FutureTimes+res.OldTimes != counted {
					t.Errorf("untimed %d, future %d, old %d; want only the rule's count at 1", res.Untimed, res.FutureTimes, res.OldTimes)
				}
				if want := []string{tt.problem}; tt.problem != "" && !slices.Equal(res.TimeProblems, want) ||
					tt.problem == "" && len(res.TimeProblems) != 0 {
					t.Errorf("time problems %q, want %q", res.TimeProblems, tt.problem)
				}
				s := sightingOf(t, e, queried(tt.line))
				if !s.Day.Equal(tt.day) || !s.FirstSeen.Equal(tt.seen) || !s.LastSeen.Equal(tt.seen) {
					t.Errorf("sighting on %s seen %s to %s, want on %s seen %s", s.Day.Format(time.DateOnly),
						s.FirstSeen, s.LastSeen, tt.day.Format(time.DateOnly), tt.seen)
				}
			})
		}
		t.Run("the alert says when", func(t *testing.T) {
			a := alertOf(t, e, "a.evil.example")
			if !strings.Contains(a.Body, "Your sensor's telemetry shows it at 14:30 UTC on 8 November 2025.") ||
				!a.FirstSeen.Equal(yesterday.Add(123456*time.Microsecond)) {
				t.Errorf("alert first seen %s, body %q; want the event's time", a.FirstSeen, a.Body)
			}
		})
	})
}

// TestIngestSpansDays checks that one upload holding events of two days indexes each
// under its own day — on PostgreSQL in that day's partition — and that a retro-hunt then
// finds the observable on the day it was seen, not the day it was received.
func TestIngestSpansDays(t *testing.T) {
	day1, day2 := teleDay.AddDate(0, 0, -6).Add(-9*time.Hour), teleDay.AddDate(0, 0, -5).Add(3*time.Hour) // 3 and 4 November
	eachTeleEngine(t, Deps{}, func(t *testing.T, e *teleEnv) {
		res := e.ingest(t, "RXA", true, zeekDNS(day1, "x.spans.example"), sysmonDNS(day2, "y.spans.example"),
			zeekDNS(day2, "x.spans.example"))
		if res.Events != 3 || res.Untimed+res.FutureTimes+res.OldTimes != 0 {
			t.Fatalf("result %+v, want three events on their own times", res)
		}
		k := newKeyer(teleSecret)
		for _, c := range []struct {
			value string
			days  []time.Time
		}{
			{"x.spans.example", []time.Time{day1, day2}},
			{"y.spans.example", []time.Time{day2}},
			{"spans.example", []time.Time{day1, day2}}, // the parent of both
		} {
			h := k.key(string(vigil.TypeDomain), c.value)
			for _, d := range []time.Time{day1, day2, teleDay} {
				want := int64(0)
				if slices.Contains(c.days, d) {
					want = 1
				}
				if n := e.count(t, `SELECT COUNT(*) FROM observable_index WHERE org = ? AND hash = ? AND day = ?`,
					"RXA", h[:], dayParam(e, d)); n != want {
					t.Errorf("%s indexed %d times on %s, want %d", c.value, n, d.Format(time.DateOnly), want)
				}
			}
		}
		if e.dir == "" {
			for _, d := range []time.Time{day1, day2} {
				part := "observable_index_p" + d.Format("20060102")
				if n := e.count(t, `SELECT COUNT(*) FROM `+part); n == 0 {
					t.Errorf("partition %s holds no rows: the day's keys went elsewhere", part)
				}
			}
			if n := e.count(t, `SELECT COUNT(*) FROM observable_index_default`); n != 0 {
				t.Errorf("the default partition holds %d rows, want none", n)
			}
		}

		e.svc.RetroHunt(t.Context(), []vigil.Indicator{listedAs(vigil.TypeDomain, "y.spans.example", "URLhaus", 80)})
		a := alertOfKind(t, e, vigil.AlertRetroHunt, "y.spans.example")
		if !a.FirstSeen.Equal(vigil.DayOf(day2)) || !strings.Contains(a.Body, "On 4 November 2025 a device at Riverside Trust RXA contacted y.spans.example") {
			t.Errorf("retro-hunt alert first seen %s, body %q; want the event's day, 4 November", a.FirstSeen, a.Body)
		}
	})
}

// queried is the name a test DNS event asks for: the value of its last field.
func queried(line string) string {
	return line[strings.LastIndex(line, `":"`)+3 : len(line)-2]
}

// dayParam is a day as the observable index's day column holds it on each engine.
func dayParam(e *teleEnv, d time.Time) any {
	if e.dir == "" {
		return vigil.DayOf(d)
	}
	return vigil.DayOf(d).Format(time.DateOnly)
}

func sightingOf(t *testing.T, e *teleEnv, observable string) vigil.Sighting {
	t.Helper()
	rows, _, err := e.store.ListSightings(t.Context(), vigil.SightingFilter{Org: "RXA", Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Observable == observable {
			return r
		}
	}
	t.Fatalf("no sighting of %s among %d", observable, len(rows))
	return vigil.Sighting{}
}

func alertOf(t *testing.T, e *teleEnv, observable string) vigil.Alert {
	t.Helper()
	return alertOfKind(t, e, vigil.AlertSighting, observable)
}

func alertOfKind(t *testing.T, e *teleEnv, kind vigil.AlertKind, observable string) vigil.Alert {
	t.Helper()
	as, _, err := e.store.ListAlerts(t.Context(), vigil.AlertFilter{Org: "RXA", Kind: kind, Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Observable == observable || a.Indicator == observable {
			return a
		}
	}
	t.Fatalf("no %s alert of %s among %d", kind, observable, len(as))
	return vigil.Alert{}
}

func TestRoughly(t *testing.T) {
	for d, want := range map[time.Duration]string{6 * time.Minute: "6 minutes", time.Minute + time.Second: "1 minute",
		119 * time.Minute: "119 minutes", 2 * time.Hour: "2 hours", 47 * time.Hour: "47 hours", 49 * time.Hour: "2 days",
		24*time.Hour - 3*time.Second: "24 hours", 365*24*time.Hour - time.Second: "365 days", 90 * time.Second: "2 minutes"} {
		if got := roughly(d); got != want {
			t.Errorf("roughly(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestTimeRange(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2025, 11, d, h, m, 30, 0, time.UTC) }
	tests := []struct {
		first, last time.Time
		want        string
	}{
		{at(9, 9, 1), at(9, 9, 1), "at 09:01 UTC on 9 November 2025"},
		{at(9, 9, 1), at(9, 17, 45), "between 09:01 and 17:45 UTC on 9 November 2025"},
		{at(8, 23, 59), at(9, 0, 1), "between 23:59 UTC on 8 November 2025 and 00:01 UTC on 9 November 2025"},
	}
	for _, tt := range tests {
		if got := timeRange(tt.first, tt.last); got != tt.want {
			t.Errorf("timeRange = %q, want %q", got, tt.want)
		}
	}
}
