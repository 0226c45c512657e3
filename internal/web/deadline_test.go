package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// An alert past its acknowledge deadline shows its deadlines and what it is overdue for,
// is on the board (?overdue=acknowledge), and its history says whom it was escalated to;
// the centre reads the time-to-acknowledge figures.
func TestAlertDeadlinesOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var offset atomic.Int64 // how far the app's clock is ahead of the real one
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		c, err := app.Open(context.Background(), app.Deps{Store: s, Now: clock, Flows: app.Flows{Secret: testSecret}})
		if err != nil {
			t.Fatal(err)
		}
		f := startServer(t, s, web.Deps{App: c})
		f.seed()
		var ids []int64 // a critical alert, which has deadlines, and a low one, which has none
		err = s.Tx(t.Context(), func(tx *store.Store) error {
			for i, sev := range []vigil.Severity{vigil.SeverityCritical, vigil.SeverityLow} {
				id, _, err := c.Alerts.Raise(t.Context(), tx, alerts.Raising{Alert: vigil.Alert{Org: ownOrg, Kind: vigil.AlertEarlyWarning,
					Severity: sev, Title: fmt.Sprintf("Alert %d", i), Observable: "192.0.2.10", DedupKey: fmt.Sprintf("deadline-%d", i)}})
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		late, calm := ids[0], ids[1]
		offset.Store(int64(49 * time.Hour))
		if n, _, err := c.Alerts.Escalate(t.Context()); n != 1 || err != nil {
			t.Fatalf("Escalate = %d, %v; want 1", n, err)
		}

		var board pageJSON[struct {
			ID             int64      `json:"id"`
			AckDueAt       *time.Time `json:"ack_due_at"`
			RemediateDueAt *time.Time `json:"remediate_due_at"`
			Overdue        []string   `json:"overdue"`
		}]
		r := f.do("GET", "/api/v1/alerts?overdue=acknowledge", nil, f.as("org_admin"))
		r.decode(t, &board)
		if r.status != http.StatusOK || len(board.Items) != 1 || board.Items[0].ID != late {
			t.Fatalf("the board: %d %s; want alert %d alone", r.status, r.body, late)
		}
		a := board.Items[0]
		if a.AckDueAt == nil || a.RemediateDueAt == nil || !slices.Equal(a.Overdue, []string{"acknowledge"}) ||
			a.RemediateDueAt.Sub(*a.AckDueAt) != 12*24*time.Hour {
			t.Errorf("the late alert: %s", r.body)
		}
		r = f.do("GET", fmt.Sprintf("/api/v1/alerts/%d", calm), nil, f.as("org_admin"))
		if r.status != http.StatusOK || strings.Contains(string(r.body), "due_at") || !strings.Contains(string(r.body), `"overdue":[]`) {
			t.Errorf("a low alert has no deadline and is overdue for nothing: %s", r.body)
		}

		var hist struct {
			Entries []struct {
				Kind  string     `json:"kind"`
				DueAt *time.Time `json:"due_at"`
				To    []string   `json:"to"`
			} `json:"entries"`
		}
		r = f.do("GET", fmt.Sprintf("/api/v1/alerts/%d/history", late), nil, f.as("org_member"))
		r.decode(t, &hist)
		if r.status != http.StatusOK || len(hist.Entries) != 2 || hist.Entries[0].Kind != "raised" ||
			hist.Entries[1].Kind != "acknowledge_missed" || !slices.Equal(hist.Entries[1].To, []string{"admin@rxa.example", "analyst@centre.example"}) {
			t.Errorf("history: %d %s", r.status, r.body)
		}

		var figs struct {
			Severities []struct {
				Severity   string `json:"severity"`
				Raised     int    `json:"raised"`
				AckOverdue int    `json:"acknowledge_overdue"`
			} `json:"severities"`
		}
		r = f.do("GET", "/api/v1/alerts/ack-times", nil, f.as("sector_analyst"))
		r.decode(t, &figs)
		if r.status != http.StatusOK || len(figs.Severities) != 4 || figs.Severities[0].Severity != "critical" ||
			figs.Severities[0].Raised != 1 || figs.Severities[0].AckOverdue != 1 {
			t.Errorf("ack-times: %d %s", r.status, r.body)
		}

		for _, bad := range []string{"/api/v1/alerts?overdue=tomorrow", "/api/v1/alerts/ack-times?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z",
			"/api/v1/alerts/ack-times?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"} {
			r := f.do("GET", bad, nil, f.as("sector_analyst"))
			if r.status < 400 || r.status >= 500 {
				t.Errorf("GET %s = %d, want a 4xx: %s", bad, r.status, r.body)
				continue
			}
			if p := r.problem(t); p.Detail == "" && len(p.Errors) == 0 {
				t.Errorf("GET %s: a problem that says nothing: %s", bad, r.body)
			}
		}
	})
}
