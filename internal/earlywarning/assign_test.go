package earlywarning

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestAssignUnrouted walks an analyst through an event nobody owned: it waits, counted;
// only the sector may assign it; assigning raises the organisation's alert, worded and
// marked as the event was, audited in the same transaction; the event leaves the list,
// and cannot be assigned twice.
func TestAssignUnrouted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newWarnService(t, s, clk)
		ctx := t.Context()
		at := warnNow.Add(-2 * time.Hour)
		line := event("open_port", "198.51.100.20", at, vigil.SeverityHigh, "port", 3389, "service", "rdp", "tlp", "AMBER+STRICT")
		if _, err := svc.IngestEvents(ctx, analyst("a@centre.example"), ndjson(line, line, event("scan", "198.51.100.21", at, vigil.SeverityLow))); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.UnroutedWaiting(ctx, analyst("a@centre.example")); err != nil || n != 2 {
			t.Fatalf("waiting = %d, %v; want 2", n, err)
		}
		list, _, err := svc.ListUnrouted(ctx, analyst("a@centre.example"), vigil.UnroutedFilter{Type: "open_port"})
		if err != nil || len(list) != 1 || list[0].Event.TLP != vigil.TLPAmberStrict {
			t.Fatalf("unrouted open ports %+v, %v; want one, marked AMBER+STRICT", list, err)
		}
		id := list[0].ID
		for _, role := range []string{"org_admin", "org_member", "supplier", "sensor"} {
			if _, err := svc.Assign(ctx, principals[role], id, "RXA"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s assigns: %v, want forbidden", role, err)
			}
			if _, err := svc.UnroutedWaiting(ctx, principals[role]); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s counts the waiting events: %v, want forbidden", role, err)
			}
		}
		for _, tt := range []struct{ ods, code, msg string }{
			{"not an ods code!", vigil.EINVALID, "is not valid"},
			{"RXZ", vigil.EINVALID, "there is no organisation RXZ"},
		} {
			if _, err := svc.Assign(ctx, analyst("a@centre.example"), id, tt.ods); vigil.ErrorCode(err) != tt.code || !strings.Contains(vigil.ErrorMessage(err), tt.msg) {
				t.Errorf("assign to %q: %v, want %s saying %q", tt.ods, err, tt.code, tt.msg)
			}
		}
		if _, err := svc.Assign(ctx, analyst("a@centre.example"), 999_999, "RXA"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("assign an unknown event: %v, want not found", err)
		}
		if got := alertsOf(t, s, "RXB"); len(got) != 0 {
			t.Fatalf("refused assignments raised %d alerts", len(got))
		}

		al, err := svc.Assign(ctx, analyst("a@centre.example"), id, " rxb ")
		if err != nil {
			t.Fatal(err)
		}
		if al.Org != "RXB" || al.Kind != vigil.AlertEarlyWarning || al.Severity != vigil.SeverityHigh || al.TLP != vigil.TLPAmberStrict ||
			al.Count != 2 || al.Observable != "198.51.100.20" || !strings.Contains(al.Title, "open to the internet") {
			t.Errorf("the assigned event's alert %+v", al)
		}
		if got := alertsOf(t, s, "RXB"); len(got) != 1 || got[0].ID != al.ID {
			t.Errorf("RXB's alerts %+v, want the one raised", got)
		}
		if got := outboxOf(t, s, "RXB", vigil.OutboxImmediate); len(got) != 1 || got[0].AlertID != al.ID {
			t.Errorf("RXB's immediate messages %+v, want one about the high alert", got)
		}
		es := storetest.Audits(t, s, vigil.AuditFilter{Action: "event.assign"})
		want := map[string]any{"org": "RXB", "observable": "198.51.100.20", "type": "open_port", "alert": float64(al.ID), "new_alert": true}
		if len(es) != 1 || es[0].Actor != "a@centre.example" || es[0].Target != "unrouted/"+strconv.FormatInt(id, 10) ||
			!cmp.Equal(storetest.AuditDetail(t, es[0]), want) {
			t.Errorf("event.assign entries %+v, want %v", es, want)
		}
		if n, _ := svc.UnroutedWaiting(ctx, analyst("a@centre.example")); n != 1 {
			t.Errorf("waiting after the assignment = %d, want 1", n)
		}
		if list, _, _ := svc.ListUnrouted(ctx, analyst("a@centre.example"), vigil.UnroutedFilter{Type: "open_port"}); len(list) != 0 {
			t.Errorf("the assigned event is still listed: %+v", list)
		}
		// The same event reported again that day is RXB's too: it repeats RXB's alert.
		res, err := svc.IngestEvents(ctx, analyst("b@centre.example"), ndjson(line))
		if err != nil || res.Unrouted != 1 || res.Repeats != 1 {
			t.Errorf("a repeat of the assigned event: %+v, %v; want it unrouted and repeating an alert", res, err)
		}
		if got := alertsOf(t, s, "RXB"); len(got) != 1 || got[0].Count != 3 {
			t.Errorf("RXB's alerts after the repeat %+v, want its alert counted 3 times", got)
		}
		if n, _ := svc.UnroutedWaiting(ctx, analyst("a@centre.example")); n != 1 {
			t.Errorf("waiting after the repeat = %d, want still 1", n)
		}
		_, err = svc.Assign(ctx, principals["sector_admin"], id, "RXA")
		if vigil.ErrorCode(err) != vigil.ECONFLICT || !strings.Contains(vigil.ErrorMessage(err), "assigned to RXB by a@centre.example") {
			t.Errorf("assigning twice: %v, want a conflict naming the first assignment", err)
		}
	})
}
