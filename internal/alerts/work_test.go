package alerts_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// prepare moves a fresh alert to status before, as the centre would.
func (f *fixture) prepare(org string, tlp vigil.TLP, before vigil.AlertStatus) int64 {
	f.t.Helper()
	id := f.raise(org, tlp)
	var err error
	switch before {
	case vigil.AlertAcknowledged:
		_, err = f.svc.Ack(context.Background(), sectorAdmin, id)
	case vigil.AlertResolved:
		_, err = f.svc.Resolve(context.Background(), sectorAdmin, id, "Dealt with by the centre.")
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func TestAck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, tc := range []struct {
			name    string
			who     vigil.Principal
			org     string
			tlp     vigil.TLP
			before  vigil.AlertStatus
			want    string // error code; "" when allowed
			entries int    // alert.ack entries about the alert afterwards
		}{
			{"sector admin acknowledges any organisation's", sectorAdmin, otherOrg, vigil.TLPClear, vigil.AlertOpen, "", 1},
			{"sector analyst acknowledges TLP:RED", sectorAnalyst, ownOrg, vigil.TLPRed, vigil.AlertOpen, "", 1},
			{"org admin acknowledges its own", orgAdmin, ownOrg, vigil.TLPAmber, vigil.AlertOpen, "", 1},
			{"org member named as a contact acknowledges its own TLP:RED", namedMember, ownOrg, vigil.TLPRed, vigil.AlertOpen, "", 1},
			{"org member not named may not acknowledge its own TLP:RED", orgMember, ownOrg, vigil.TLPRed, vigil.AlertOpen, vigil.ENOTFOUND, 0},
			{"org admin may not acknowledge another organisation's", orgAdmin, otherOrg, vigil.TLPClear, vigil.AlertOpen, vigil.ENOTFOUND, 0},
			{"org member may not acknowledge another organisation's", orgMember, otherOrg, vigil.TLPClear, vigil.AlertOpen, vigil.ENOTFOUND, 0},
			{"other org admin acknowledges its own", otherAdmin, otherOrg, vigil.TLPClear, vigil.AlertOpen, "", 1},
			{"supplier may not acknowledge its own", supplier, supOrg, vigil.TLPClear, vigil.AlertOpen, vigil.EFORBIDDEN, 0},
			{"supplier may not acknowledge a customer's", supplier, ownOrg, vigil.TLPClear, vigil.AlertOpen, vigil.EFORBIDDEN, 0},
			{"sensor may not acknowledge", sensor, ownOrg, vigil.TLPClear, vigil.AlertOpen, vigil.EFORBIDDEN, 0},
			{"acknowledging twice changes nothing and writes one entry", orgMember, ownOrg, vigil.TLPClear, vigil.AlertAcknowledged, "", 1},
			{"acknowledging a resolved alert is a conflict", orgAdmin, ownOrg, vigil.TLPClear, vigil.AlertResolved, vigil.ECONFLICT, 0},
			{"another organisation's resolved alert is not found, not a conflict", orgAdmin, otherOrg, vigil.TLPClear, vigil.AlertResolved, vigil.ENOTFOUND, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				id := f.prepare(tc.org, tc.tlp, tc.before)
				was := f.get(id)
				al, err := f.svc.Ack(context.Background(), tc.who, id)
				checkErr(t, err, tc.want, "")
				now := f.get(id)
				es := f.audits("alert.ack", id)
				if len(es) != tc.entries {
					t.Fatalf("%d alert.ack entries; want %d", len(es), tc.entries)
				}
				switch {
				case err != nil || tc.before != vigil.AlertOpen:
					if now.Status != was.Status || now.AckedBy != was.AckedBy {
						t.Errorf("alert went from %s (by %q) to %s (by %q); want no change", was.Status, was.AckedBy, now.Status, now.AckedBy)
					}
				default:
					if al.Status != vigil.AlertAcknowledged || al.AckedBy != tc.who.Email || now.AckedBy != tc.who.Email {
						t.Errorf("got %s by %q (stored: by %q); want acknowledged by %s", al.Status, al.AckedBy, now.AckedBy, tc.who.Email)
					}
					checkEntry(t, es[0], tc.who.Email, fmt.Sprintf(`{"org":%q}`, tc.org))
				}
			})
		}
	})
}

func TestResolve(t *testing.T) {
	const note = "Blocked the address at the firewall."
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, tc := range []struct {
			name    string
			who     vigil.Principal
			org     string
			tlp     vigil.TLP
			before  vigil.AlertStatus
			note    string
			want    string // error code; "" when allowed
			entries int    // alert.resolve entries about the alert afterwards
		}{
			{"sector admin resolves any organisation's", sectorAdmin, otherOrg, vigil.TLPClear, vigil.AlertOpen, note, "", 1},
			{"sector analyst resolves TLP:RED", sectorAnalyst, ownOrg, vigil.TLPRed, vigil.AlertOpen, note, "", 1},
			{"org admin resolves its own acknowledged", orgAdmin, ownOrg, vigil.TLPAmber, vigil.AlertAcknowledged, note, "", 1},
			{"org member resolves its own TLP:AMBER+STRICT", orgMember, ownOrg, vigil.TLPAmberStrict, vigil.AlertOpen, note, "", 1},
			{"org admin may not resolve another organisation's", orgAdmin, otherOrg, vigil.TLPClear, vigil.AlertOpen, note, vigil.ENOTFOUND, 0},
			{"org member may not resolve another organisation's", orgMember, otherOrg, vigil.TLPClear, vigil.AlertOpen, note, vigil.ENOTFOUND, 0},
			{"supplier may not resolve its own", supplier, supOrg, vigil.TLPClear, vigil.AlertOpen, note, vigil.EFORBIDDEN, 0},
			{"supplier may not resolve a customer's", supplier, ownOrg, vigil.TLPClear, vigil.AlertOpen, note, vigil.EFORBIDDEN, 0},
			{"sensor may not resolve", sensor, ownOrg, vigil.TLPClear, vigil.AlertOpen, note, vigil.EFORBIDDEN, 0},
			{"a resolution needs a note", orgAdmin, ownOrg, vigil.TLPClear, vigil.AlertOpen, "  ", vigil.EINVALID, 0},
			{"a missing note is invalid even on a resolved alert", orgAdmin, ownOrg, vigil.TLPClear, vigil.AlertResolved, "", vigil.EINVALID, 1},
			{"resolving twice is a conflict", orgAdmin, ownOrg, vigil.TLPClear, vigil.AlertResolved, note, vigil.ECONFLICT, 1},
			{"another organisation's resolved alert is not found, not a conflict", orgAdmin, otherOrg, vigil.TLPClear, vigil.AlertResolved, note, vigil.ENOTFOUND, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				id := f.prepare(tc.org, tc.tlp, tc.before)
				was := f.get(id)
				al, err := f.svc.Resolve(context.Background(), tc.who, id, tc.note)
				checkErr(t, err, tc.want, "")
				now := f.get(id)
				es := f.audits("alert.resolve", id)
				if len(es) != tc.entries {
					t.Fatalf("%d alert.resolve entries; want %d", len(es), tc.entries)
				}
				if err != nil {
					if now.Status != was.Status || now.ResolvedBy != was.ResolvedBy {
						t.Errorf("alert went from %s to %s; want no change", was.Status, now.Status)
					}
					return
				}
				if al.Status != vigil.AlertResolved || al.ResolvedBy != tc.who.Email || now.ResolutionNote != note {
					t.Errorf("got %s by %q, stored note %q; want resolved by %s with the note", al.Status, al.ResolvedBy, now.ResolutionNote, tc.who.Email)
				}
				checkEntry(t, es[0], tc.who.Email, fmt.Sprintf(`{"note":%q,"org":%q}`, note, tc.org))
			})
		}
	})
}

// TestAuditFailureFailsTheChange checks that the change and its audit entry are one
// transaction: when the audit log cannot be written, the alert does not move.
func TestAuditFailureFailsTheChange(t *testing.T) {
	eachWithSQL(t, func(t *testing.T, s *store.Store, db *sql.DB) {
		f := newFixture(t, s)
		ackID, resolveID := f.raise(ownOrg, vigil.TLPClear), f.raise(ownOrg, vigil.TLPClear)
		if _, err := db.Exec(`ALTER TABLE audit_log RENAME TO audit_log_away`); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			id   int64
			do   func(id int64) (vigil.Alert, error)
		}{
			{"acknowledge", ackID, func(id int64) (vigil.Alert, error) { return f.svc.Ack(context.Background(), orgAdmin, id) }},
			{"resolve", resolveID, func(id int64) (vigil.Alert, error) {
				return f.svc.Resolve(context.Background(), orgAdmin, id, "Blocked it.")
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := tc.do(tc.id); err == nil {
					t.Fatal("succeeded without an audit log")
				}
				if al := f.get(tc.id); al.Status != vigil.AlertOpen || al.AckedBy != "" || al.ResolvedBy != "" {
					t.Errorf("alert is %s (acked by %q, resolved by %q); want open, untouched", al.Status, al.AckedBy, al.ResolvedBy)
				}
			})
		}
	})
}

// checkEntry checks an audit entry's actor and detail.
func checkEntry(t *testing.T, e vigil.AuditEntry, actor, detail string) {
	t.Helper()
	if e.Actor != actor || e.Detail != detail {
		t.Errorf("audit entry by %q with %s; want by %q with %s", e.Actor, e.Detail, actor, detail)
	}
}
