package reports_test

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var now = time.Date(2026, 11, 30, 15, 4, 0, 0, time.UTC)

// Any signed-in person may have the report, which is disclosure-controlled; a sensor
// and nobody may not.
func TestSectorAccess(t *testing.T) {
	svc := reports.New(reports.Deps{Store: storetest.Open(t), Now: func() time.Time { return now }})
	tests := []struct {
		name string
		p    vigil.Principal
		code string
	}{
		{"sector admin", vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAdmin}, ""},
		{"sector analyst", vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}, ""},
		{"org admin", vigil.Principal{Email: "a@rxa.example", Role: vigil.RoleOrgAdmin, Org: "RXA"}, ""},
		{"org member", vigil.Principal{Email: "m@rxa.example", Role: vigil.RoleOrgMember, Org: "RXA"}, ""},
		{"supplier", vigil.Principal{Email: "s@sup.example", Role: vigil.RoleSupplier, Org: "SUP"}, ""},
		{"sensor", vigil.Principal{Email: "sensor", Role: vigil.RoleSensor, Org: "RXA"}, vigil.EFORBIDDEN},
		{"nobody (the doors answer 401 before this)", vigil.Principal{}, vigil.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Sector(t.Context(), tt.p, time.Time{}, time.Time{})
			if vigil.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Errorf("Sector: %v, want code %q", err, tt.code)
			}
		})
	}
}

// The period is whole UTC days, both included, at most a year; the default is the last
// 30 days.
func TestSectorPeriod(t *testing.T) {
	svc := reports.New(reports.Deps{Store: storetest.Open(t), Now: func() time.Time { return now }})
	analyst := vigil.Principal{Email: "a@c.example", Role: vigil.RoleSectorAnalyst}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name              string
		first, last       time.Time
		wantFirst, wantTo time.Time
		code              string
	}{
		{name: "default: the last 30 days", wantFirst: day(11, 1), wantTo: day(11, 30)},
		{name: "times within a day count as the day", first: day(11, 3).Add(5 * time.Hour), last: day(11, 4).Add(time.Hour),
			wantFirst: day(11, 3), wantTo: day(11, 4)},
		{name: "one day", first: day(11, 3), last: day(11, 3), wantFirst: day(11, 3), wantTo: day(11, 3)},
		{name: "a whole leap year", first: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), last: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
			wantFirst: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), wantTo: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)},
		{name: "backwards", first: day(11, 4), last: day(11, 3), code: vigil.EINVALID},
		{name: "longer than a year", first: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), last: day(11, 3), code: vigil.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := svc.Sector(t.Context(), analyst, tt.first, tt.last)
			if vigil.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("Sector: %v, want code %q", err, tt.code)
			}
			if err == nil && (!r.Period.First.Equal(tt.wantFirst) || !r.Period.Last.Equal(tt.wantTo)) {
				t.Errorf("period %s, want %s to %s", r.Period.Days(), tt.wantFirst, tt.wantTo)
			}
		})
	}
}
