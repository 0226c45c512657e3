package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// fillAudit appends n rows.
func fillAudit(t *testing.T, s *store.Store, n int) []vigil.AuditEntry {
	t.Helper()
	var out []vigil.AuditEntry
	details := []any{nil, map[string]any{"name": "Trust <A> & co", "ranges": []string{"192.0.2.0/24"}}, "plain", 42}
	for i := range n {
		e, err := s.Audit(t.Context(), "admin@centre.example", "org.update", fmt.Sprintf("RX%c", 'A'+i%26), details[i%len(details)])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// dropAuditTriggers removes the append-only triggers, as someone with direct database
// access could.
func dropAuditTriggers(t *testing.T, s *store.Store) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if s.Engine() == store.EnginePostgres {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, q := range stmts {
		if _, err := s.ExecRaw(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// rewriteAudit changes row seq's detail and stores a hash that matches the new content,
// as a tamperer who knows the encoding would.
func rewriteAudit(t *testing.T, s *store.Store, seq int64) {
	t.Helper()
	list, _, err := s.ListAudit(t.Context(), vigil.AuditFilter{Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.Seq == seq {
			e.Detail = `"nothing happened"`
			if _, err := s.ExecRaw(t.Context(), `UPDATE audit_log SET detail = ?, hash = ? WHERE seq = ?`, e.Detail, store.AuditHash(e), seq); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no audit row %d", seq)
}

func TestAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if rows, bad, err := s.VerifyAudit(ctx); rows != 0 || bad != 0 || err != nil {
			t.Errorf("empty log: VerifyAudit = %d, %d, %v", rows, bad, err)
		}
		entries := fillAudit(t, s, 5)
		if e := entries[1]; e.Seq != 2 || e.PrevHash != entries[0].Hash || len(e.Hash) != 64 || e.Detail != `{"name":"Trust <A> & co","ranges":["192.0.2.0/24"]}` {
			t.Errorf("second entry = %+v", e)
		}
		if entries[0].PrevHash != "" || entries[0].Detail != "" || entries[2].Detail != `"plain"` {
			t.Errorf("entries = %+v", entries)
		}

		// Appends from many goroutines still make one chain.
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 5 {
					if _, err := s.Audit(ctx, fmt.Sprintf("worker%d", g), "alert.ack", fmt.Sprintf("alert/%d", i), nil); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		rows, bad, err := s.VerifyAudit(ctx)
		if rows != 45 || bad != 0 || err != nil {
			t.Errorf("VerifyAudit = %d, %d, %v; want 45 good rows", rows, bad, err)
		}
		seq, hash, err := s.AuditHead(ctx)
		if seq != 45 || len(hash) != 64 || err != nil {
			t.Errorf("AuditHead = %d, %q, %v", seq, hash, err)
		}

		list, next, err := s.ListAudit(ctx, vigil.AuditFilter{Actor: "worker3", Limit: 3})
		if err != nil || len(list) != 3 || next == "" || list[0].Seq < list[1].Seq {
			t.Fatalf("ListAudit = %v, %q, %v", list, next, err)
		}
		rest, next, err := s.ListAudit(ctx, vigil.AuditFilter{Actor: "worker3", Limit: 3, Cursor: next})
		if err != nil || len(rest) != 2 || next != "" || rest[0].Seq >= list[2].Seq {
			t.Errorf("ListAudit page 2 = %v, %q, %v", rest, next, err)
		}

		_, err = s.Audit(ctx, "", "x", "", nil)
		wantError(t, err, vigil.EINVALID, "audit actor is required")
		_, err = s.Audit(ctx, "system", "x", "", func() {})
		if err == nil {
			t.Error("Audit accepted a detail that is not JSON")
		}

		// The table refuses changes while its triggers are in place.
		if _, err := s.ExecRaw(ctx, `UPDATE audit_log SET detail = '{}' WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("UPDATE audit_log: %v; want it refused as append-only", err)
		}
		if _, err := s.ExecRaw(ctx, `DELETE FROM audit_log WHERE seq = 2`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("DELETE FROM audit_log: %v; want it refused as append-only", err)
		}
	})
}

func TestVerifyAuditTampered(t *testing.T) {
	tests := []struct {
		name    string
		tamper  []string // SQL run after dropping the triggers
		rewrite int64    // a row to give a new detail and a hash that matches it
		wantBad int64
		wantMsg string
	}{
		{name: "detail altered", tamper: []string{`UPDATE audit_log SET detail = '{"name":"Trust B"}' WHERE seq = 3`},
			wantBad: 3, wantMsg: "row 3 was altered"},
		{name: "actor altered", tamper: []string{`UPDATE audit_log SET actor = 'someone@else.example' WHERE seq = 6`},
			wantBad: 6, wantMsg: "row 6 was altered"},
		{name: "middle row deleted", tamper: []string{`DELETE FROM audit_log WHERE seq = 4`},
			wantBad: 4, wantMsg: "row 4 is missing (row 5 follows row 3)"},
		{name: "two rows deleted", tamper: []string{`DELETE FROM audit_log WHERE seq IN (2, 5)`},
			wantBad: 2, wantMsg: "row 2 is missing"},
		{name: "first row deleted", tamper: []string{`DELETE FROM audit_log WHERE seq = 1`},
			wantBad: 1, wantMsg: "row 1 is missing"},
		{name: "row deleted and later rows renumbered", tamper: []string{
			`DELETE FROM audit_log WHERE seq = 4`,
			`UPDATE audit_log SET seq = seq - 1 WHERE seq = 5`, `UPDATE audit_log SET seq = seq - 1 WHERE seq = 6`,
			`UPDATE audit_log SET seq = seq - 1 WHERE seq = 7`, `UPDATE audit_log SET seq = seq - 1 WHERE seq = 8`,
		}, wantBad: 4, wantMsg: "row 4 was altered"},
		{name: "hash replaced", tamper: []string{`UPDATE audit_log SET hash = '` + strings.Repeat("0", 64) + `' WHERE seq = 2`},
			wantBad: 2, wantMsg: "row 2 was altered"},
		{name: "row rewritten with a matching hash", rewrite: 3, wantBad: 3, wantMsg: "row 3 was rewritten: its hash is not the one row 4 recorded"},
		{name: "newest row deleted (not detectable by the chain)", tamper: []string{`DELETE FROM audit_log WHERE seq = 8`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := t.Context()
				fillAudit(t, s, 8)
				dropAuditTriggers(t, s)
				for _, q := range tt.tamper {
					if _, err := s.ExecRaw(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				if tt.rewrite != 0 {
					rewriteAudit(t, s, tt.rewrite)
				}
				rows, bad, err := s.VerifyAudit(ctx)
				if bad != tt.wantBad {
					t.Errorf("VerifyAudit first bad row = %d, want %d (%v)", bad, tt.wantBad, err)
				}
				if tt.wantMsg == "" {
					if err != nil {
						t.Errorf("VerifyAudit: %v", err)
					}
					return
				}
				if !errors.Is(err, store.ErrAuditBroken) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("VerifyAudit error = %v; want ErrAuditBroken saying %q", err, tt.wantMsg)
				}
				if rows == 0 {
					t.Errorf("VerifyAudit rows = 0")
				}
			})
		})
	}
}

// TestAuditInTx records a change and its audit row together, or neither.
func TestAuditInTx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		err := s.Tx(ctx, func(tx *store.Store) error {
			o, _, err := tx.CreateOrg(ctx, org("RXA", vigil.OrgTrust))
			if err != nil {
				return err
			}
			_, err = tx.Audit(ctx, "admin@centre.example", "org.create", o.ODSCode, map[string]string{"name": o.Name})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Tx(ctx, func(tx *store.Store) error {
			if _, err := tx.Audit(ctx, "admin@centre.example", "org.create", "RXA", nil); err != nil {
				return err
			}
			_, _, err := tx.CreateOrg(ctx, org("RXA", vigil.OrgTrust))
			return err
		})
		wantError(t, err, vigil.ECONFLICT, "already registered")
		rows, bad, err := s.VerifyAudit(ctx)
		if rows != 1 || bad != 0 || err != nil {
			t.Errorf("VerifyAudit = %d, %d, %v; want the one committed row", rows, bad, err)
		}
	})
}
