package vigil_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// raisedAt is when the alerts of these tests are raised.
var raisedAt = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// The deadline rule: high and critical alerts must be acknowledged within 48 hours and
// remediated within 14 days; medium and low alerts have no deadline unless the settings
// give one; settings override a severity's deadlines part by part.
func TestDeadlinesDue(t *testing.T) {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	configured := vigil.DefaultDeadlines()
	configured[vigil.SeverityCritical] = vigil.Deadline{Acknowledge: 4 * time.Hour, Remediate: days(7)}
	configured[vigil.SeverityMedium] = vigil.Deadline{Remediate: days(30)}
	configured[vigil.SeverityHigh] = vigil.Deadline{Acknowledge: 48 * time.Hour} // remediation "none"
	tests := []struct {
		name     string
		ds       vigil.Deadlines
		sev      vigil.Severity
		ack, fix time.Duration // after raisedAt; 0 for no deadline
	}{
		{"critical: acknowledge in 48 hours, remediate in 14 days", vigil.DefaultDeadlines(), vigil.SeverityCritical, 48 * time.Hour, days(14)},
		{"high: acknowledge in 48 hours, remediate in 14 days", vigil.DefaultDeadlines(), vigil.SeverityHigh, 48 * time.Hour, days(14)},
		{"medium: no deadline by default", vigil.DefaultDeadlines(), vigil.SeverityMedium, 0, 0},
		{"low: no deadline by default", vigil.DefaultDeadlines(), vigil.SeverityLow, 0, 0},
		{"critical, configured tighter", configured, vigil.SeverityCritical, 4 * time.Hour, days(7)},
		{"high, remediation configured away", configured, vigil.SeverityHigh, 48 * time.Hour, 0},
		{"medium, configured to remediate only", configured, vigil.SeverityMedium, 0, days(30)},
		{"low, still none", configured, vigil.SeverityLow, 0, 0},
		{"no deadlines at all", vigil.Deadlines{}, vigil.SeverityCritical, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack, fix := tt.ds.Due(tt.sev, raisedAt)
			if got, want := ack, after(tt.ack); !got.Equal(want) {
				t.Errorf("acknowledge due %v, want %v", got, want)
			}
			if got, want := fix, after(tt.fix); !got.Equal(want) {
				t.Errorf("remediate due %v, want %v", got, want)
			}
		})
	}
}

// after is raisedAt+d, or the zero time (no deadline) for 0.
func after(d time.Duration) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return raisedAt.Add(d)
}

// A repeat brings deadlines in and never moves them out: one that raises the severity
// gets the deadlines of the new severity counted from when it came in, where those are
// earlier than the alert's.
func TestAlertMergeTightensDeadlines(t *testing.T) {
	ds := vigil.DefaultDeadlines()
	ds[vigil.SeverityCritical] = vigil.Deadline{Acknowledge: 4 * time.Hour, Remediate: 3 * 24 * time.Hour}
	ds[vigil.SeverityLow] = vigil.Deadline{Remediate: 60 * 24 * time.Hour}
	raise := func(sev vigil.Severity, at time.Time) vigil.Alert {
		a := vigil.Alert{Severity: sev, Count: 1}
		a.AckDueAt, a.FixDueAt = ds.Due(sev, at)
		return a
	}
	later := raisedAt.Add(10 * time.Hour)
	tests := []struct {
		name     string
		first    vigil.Alert
		repeat   vigil.Alert
		ack, fix time.Time
	}{
		{"medium then high: deadlines appear, counted from the repeat", raise(vigil.SeverityMedium, raisedAt), raise(vigil.SeverityHigh, later),
			later.Add(48 * time.Hour), later.Add(14 * 24 * time.Hour)},
		{"high then critical: the critical deadlines are earlier", raise(vigil.SeverityHigh, raisedAt), raise(vigil.SeverityCritical, later),
			later.Add(4 * time.Hour), later.Add(3 * 24 * time.Hour)},
		{"high then high later: the first deadlines stay", raise(vigil.SeverityHigh, raisedAt), raise(vigil.SeverityHigh, later),
			raisedAt.Add(48 * time.Hour), raisedAt.Add(14 * 24 * time.Hour)},
		{"high then low: a lower repeat loosens nothing", raise(vigil.SeverityHigh, raisedAt), raise(vigil.SeverityLow, later),
			raisedAt.Add(48 * time.Hour), raisedAt.Add(14 * 24 * time.Hour)},
		{"high then critical 47 hours in: the acknowledge deadline stays, remediation comes in", raise(vigil.SeverityHigh, raisedAt),
			raise(vigil.SeverityCritical, raisedAt.Add(47*time.Hour)), raisedAt.Add(48 * time.Hour), raisedAt.Add(47*time.Hour + 3*24*time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.first
			a.Merge(tt.repeat)
			if !a.AckDueAt.Equal(tt.ack) || !a.FixDueAt.Equal(tt.fix) {
				t.Errorf("merged deadlines %v, %v; want %v, %v", a.AckDueAt, a.FixDueAt, tt.ack, tt.fix)
			}
		})
	}
}

// An alert is overdue once the escalation has recorded the miss, until it is met.
func TestAlertOverdue(t *testing.T) {
	due := raisedAt.Add(48 * time.Hour)
	late := due.Add(time.Minute)
	tests := []struct {
		name             string
		a                vigil.Alert
		ackMissed        bool // at late
		fixMissed        bool
		wantAck, wantFix bool
	}{
		{"open before its deadline", vigil.Alert{Status: vigil.AlertOpen, AckDueAt: late.Add(time.Hour)}, false, false, false, false},
		{"open past its deadline, not escalated yet", vigil.Alert{Status: vigil.AlertOpen, AckDueAt: due}, true, false, false, false},
		{"open and escalated", vigil.Alert{Status: vigil.AlertOpen, AckDueAt: due, AckEscalatedAt: late}, false, false, true, false},
		{"acknowledged after the escalation", vigil.Alert{Status: vigil.AlertAcknowledged, AckDueAt: due, AckEscalatedAt: late}, false, false, false, false},
		{"acknowledged, past remediation, not marked", vigil.Alert{Status: vigil.AlertAcknowledged, FixDueAt: due}, false, true, false, false},
		{"acknowledged and marked overdue", vigil.Alert{Status: vigil.AlertAcknowledged, FixDueAt: due, FixOverdueAt: late}, false, false, false, true},
		{"resolved late", vigil.Alert{Status: vigil.AlertResolved, AckDueAt: due, FixDueAt: due, FixOverdueAt: late}, false, false, false, false},
		{"no deadlines", vigil.Alert{Status: vigil.AlertOpen}, false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.AckMissed(late); got != tt.ackMissed {
				t.Errorf("AckMissed = %v, want %v", got, tt.ackMissed)
			}
			if got := tt.a.FixMissed(late); got != tt.fixMissed {
				t.Errorf("FixMissed = %v, want %v", got, tt.fixMissed)
			}
			if got := tt.a.IsOverdue(vigil.OverdueAcknowledge); got != tt.wantAck {
				t.Errorf("overdue to acknowledge = %v, want %v", got, tt.wantAck)
			}
			if got := tt.a.IsOverdue(vigil.OverdueRemediate); got != tt.wantFix {
				t.Errorf("overdue to remediate = %v, want %v", got, tt.wantFix)
			}
		})
	}
}

func TestParseDeadline(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		msg  string
	}{
		{"48h", 48 * time.Hour, ""},
		{"14d", 14 * 24 * time.Hour, ""},
		{" 1d12h ", 36 * time.Hour, ""},
		{"90m", 90 * time.Minute, ""},
		{"none", 0, ""},
		{"NONE", 0, ""},
		{"0", 0, ""},
		{"366d", 366 * 24 * time.Hour, ""},
		{"367d", 0, `deadline 367d is longer than 366d: give between 1m and 366d, or "none"`},
		{"9000h", 0, `deadline 9000h is out of range: give between 1m and 366d, or "none"`},
		{"30s", 0, `deadline 30s is out of range: give between 1m and 366d, or "none"`},
		{"-2h", 0, `deadline "-2h" is not understood: write it like "48h", "14d" or "none"`},
		{"two days", 0, `deadline "two days" is not understood: write it like "48h", "14d" or "none"`},
		{"d", 0, `deadline "d" is not understood: write it like "48h", "14d" or "none"`},
		{"+3d", 0, `deadline "+3d" is not understood: write it like "48h", "14d" or "none"`},
		{"", 0, `deadline "" is not understood: write it like "48h", "14d" or "none"`},
	}
	for _, tt := range tests {
		got, err := vigil.ParseDeadline(tt.in)
		if got != tt.want || message(err) != tt.msg {
			t.Errorf("ParseDeadline(%q) = %v, %q; want %v, %q", tt.in, got, message(err), tt.want, tt.msg)
		}
	}
}

func TestDeadlinesCheck(t *testing.T) {
	tests := []struct {
		name string
		ds   vigil.Deadlines
		msg  string
	}{
		{"the defaults", vigil.DefaultDeadlines(), ""},
		{"none at all", vigil.Deadlines{}, ""},
		{"not a severity", vigil.Deadlines{"urgent": {Acknowledge: time.Hour}}, `deadlines: "urgent" is not a severity: use low, medium, high or critical`},
		{"too short", vigil.Deadlines{vigil.SeverityHigh: {Acknowledge: time.Second}}, `deadlines: high.acknowledge is 1s: give between 1m and 366d, or "none"`},
		{"acknowledge after remediate", vigil.Deadlines{vigil.SeverityLow: {Acknowledge: 72 * time.Hour, Remediate: 48 * time.Hour}},
			"deadlines: low.acknowledge (72h) is later than low.remediate (48h): an alert is acknowledged before it is remediated"},
	}
	for _, tt := range tests {
		if msg := message(tt.ds.Check()); msg != tt.msg {
			t.Errorf("%s: Check() = %q, want %q", tt.name, msg, tt.msg)
		}
	}
}

// ParseDeadline reads what operators type into the config file: whatever it is given, it
// answers a deadline in range, none, or an error, and never panics.
func FuzzParseDeadline(f *testing.F) {
	for _, s := range []string{"48h", "14d", "1d12h", "none", "0", "-1d", "366d1h", "9223372036854775807ns", "99999999999d", "1.5h", "d1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := vigil.ParseDeadline(s)
		if err != nil {
			if d != 0 || vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("ParseDeadline(%q) = %v, %v; want 0 and an invalid error", s, d, err)
			}
			return
		}
		if d != 0 && (d < vigil.MinDeadline || d > vigil.MaxDeadline) {
			t.Fatalf("ParseDeadline(%q) = %v, out of range", s, d)
		}
		if back, err := vigil.ParseDeadline(vigil.FormatDeadline(d)); err != nil || back != d {
			t.Fatalf("ParseDeadline(FormatDeadline(%v)) = %v, %v", d, back, err)
		}
	})
}
