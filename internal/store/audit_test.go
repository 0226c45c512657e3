package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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

// testSecret is a server secret for tests of the keyed chain.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// recomputeAudit rewrites row seq's detail and gives it and every later row a fresh
// plain hash and prev_hash, as someone who knows the encoding but not the server secret
// would; keepChain false also marks the rows plain.
func recomputeAudit(t *testing.T, s *store.Store, seq int64, keepChain bool) {
	t.Helper()
	list, _, err := s.ListAudit(t.Context(), vigil.AuditFilter{Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(list)
	prev := ""
	for _, e := range list {
		if e.Seq < seq {
			prev = e.Hash
			continue
		}
		if e.Seq == seq {
			e.Detail = `"nothing happened"`
		}
		e.PrevHash = prev
		e.Hash = store.AuditHash(e)
		q := `UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ?, chain = 0 WHERE seq = ?`
		if keepChain {
			q = `UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?`
		}
		if _, err := s.ExecRaw(t.Context(), q, e.Detail, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
}

// TestVerifyAuditKeyed tampers with a keyed chain as someone with the database but not
// the server secret could, and checks that verify, given the head recorded before,
// catches each: cutting the newest rows or every row, and rewriting rows with plain
// hashes recomputed.
func TestVerifyAuditKeyed(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, s *store.Store)
		wantBad int64
		wantMsg string // with the head; "" when the chain alone holds
		chain   string // without the head; "" when the chain alone holds
	}{
		{name: "untouched"},
		{name: "newest rows deleted", tamper: sqlTamper(`DELETE FROM audit_log WHERE seq > 5`),
			wantBad: 6, wantMsg: "the log ends at row 5, but row 8 was recorded as its head: rows 6 to 8 were cut"},
		{name: "every row deleted", tamper: sqlTamper(`DELETE FROM audit_log`),
			wantBad: 1, wantMsg: "the log ends at row 0, but row 8 was recorded"},
		{name: "row rewritten and later plain hashes recomputed", tamper: func(t *testing.T, s *store.Store) { recomputeAudit(t, s, 3, true) },
			wantBad: 3, wantMsg: "row 3 was altered", chain: "row 3 was altered"},
		{name: "row rewritten and later rows made plain", tamper: func(t *testing.T, s *store.Store) { recomputeAudit(t, s, 3, false) },
			wantBad: 3, wantMsg: "row 3 has a plain hash after keyed rows", chain: "row 3 has a plain hash after keyed rows"},
		{name: "every row rewritten plain", tamper: func(t *testing.T, s *store.Store) { recomputeAudit(t, s, 1, false) },
			wantBad: 1, wantMsg: "no row is keyed with the server secret", chain: "no row is keyed"},
		{name: "newest rows replaced", tamper: func(t *testing.T, s *store.Store) {
			sqlTamper(`DELETE FROM audit_log WHERE seq > 6`)(t, s)
			fillAudit(t, s, 2)
		}, wantBad: 8, wantMsg: "row 8's hash is not the one recorded as the head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := t.Context()
				s.SetAuditKey(testSecret)
				fillAudit(t, s, 8)
				seq, hash, err := s.AuditHead(ctx)
				if err != nil || seq != 8 {
					t.Fatalf("AuditHead = %d, %v", seq, err)
				}
				dropAuditTriggers(t, s)
				if tt.tamper != nil {
					tt.tamper(t, s)
				}
				_, bad, err := s.VerifyAudit(ctx, store.AuditMark{Seq: seq, Hash: hash})
				checkBroken(t, "with the head", bad, err, tt.wantBad, tt.wantMsg)
				_, bad, err = s.VerifyAudit(ctx)
				wantBad := tt.wantBad
				if tt.chain == "" {
					wantBad = 0
				}
				checkBroken(t, "without the head", bad, err, wantBad, tt.chain)
			})
		})
	}
}

// sqlTamper returns a tamper function that runs the statements.
func sqlTamper(stmts ...string) func(t *testing.T, s *store.Store) {
	return func(t *testing.T, s *store.Store) {
		for _, q := range stmts {
			if _, err := s.ExecRaw(t.Context(), q); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkBroken checks VerifyAudit's first bad row and error against what is wanted: no
// error when wantMsg is empty, else ErrAuditBroken saying wantMsg.
func checkBroken(t *testing.T, how string, bad int64, err error, wantBad int64, wantMsg string) {
	t.Helper()
	if bad != wantBad {
		t.Errorf("VerifyAudit %s: first bad row = %d, want %d (%v)", how, bad, wantBad, err)
	}
	if wantMsg == "" {
		if err != nil {
			t.Errorf("VerifyAudit %s: %v", how, err)
		}
		return
	}
	if !errors.Is(err, store.ErrAuditBroken) || !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("VerifyAudit %s: %v; want ErrAuditBroken saying %q", how, err, wantMsg)
	}
}

// TestAuditKey checks that a keyed chain continues a plain one, that a process without
// the key can neither extend nor check it, and that another secret's key fails it.
func TestAuditKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		plain := fillAudit(t, s, 3)
		if plain[2].Hash != store.AuditHash(plain[2]) {
			t.Fatalf("a row written without a key is not plain: %+v", plain[2])
		}
		s.SetAuditKey(testSecret)
		keyed := fillAudit(t, s, 2)
		if keyed[0].PrevHash != plain[2].Hash || keyed[0].Hash == store.AuditHash(keyed[0]) {
			t.Fatalf("the first keyed row does not continue the plain chain with an HMAC: %+v", keyed[0])
		}
		if rows, bad, err := s.VerifyAudit(ctx); rows != 5 || bad != 0 || err != nil {
			t.Fatalf("VerifyAudit = %d, %d, %v; want 5 good rows", rows, bad, err)
		}
		other := s.WithoutAuditKey()
		if _, err := other.Audit(ctx, "cli", "user.create", "x@example.org", nil); !errors.Is(err, store.ErrAuditKeyMissing) {
			t.Errorf("Audit without the key on a keyed chain: %v; want ErrAuditKeyMissing", err)
		}
		if _, _, err := other.VerifyAudit(ctx); !errors.Is(err, store.ErrAuditKeyMissing) {
			t.Errorf("VerifyAudit without the key: %v; want ErrAuditKeyMissing", err)
		}
		other.SetAuditKey([]byte("another secret, another key.....")) // a different server's secret
		if _, bad, err := other.VerifyAudit(ctx); bad != 4 || !errors.Is(err, store.ErrAuditBroken) {
			t.Errorf("VerifyAudit with another secret = %d, %v; want row 4 broken", bad, err)
		}
	})
}

// TestAuditUpgrade upgrades a database whose chain is plain (from before migration 11)
// with the server secret: the migration is audited in a keyed row that continues the
// plain chain, and a plain rewrite of the old rows is then caught.
func TestAuditUpgrade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		if err := s.MigrateDownTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExecRaw(ctx, `INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash)
			VALUES (1, '2025-01-02T03:04:05.000006Z', 'cli', 'user.create', 'ana@centre.example', '', '', ?)`,
			store.AuditHash(vigil.AuditEntry{Seq: 1, Time: time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC), Actor: "cli", Action: "user.create", Target: "ana@centre.example"})); err != nil {
			t.Fatal(err)
		}
		s.SetAuditKey(testSecret)
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		list, _, err := s.ListAudit(ctx, vigil.AuditFilter{})
		var detail struct {
			Engine   string
			From, To int
		}
		if err == nil && len(list) == 2 {
			err = json.Unmarshal([]byte(list[0].Detail), &detail)
		}
		if err != nil || len(list) != 2 || list[0].Action != "schema.migrate" || detail.Engine != s.Engine() || detail.From != 9 || detail.To <= 9 {
			t.Fatalf("audit after the upgrade = %+v, %v; want a schema.migrate entry from 9 to the newest version", list, err)
		}
		if rows, bad, err := s.VerifyAudit(ctx); rows != 2 || bad != 0 || err != nil {
			t.Fatalf("VerifyAudit = %d, %d, %v", rows, bad, err)
		}
		dropAuditTriggers(t, s)
		rewriteAudit(t, s, 1)
		_, bad, err := s.VerifyAudit(ctx)
		checkBroken(t, "after a plain rewrite of the old row", bad, err, 1, "row 1 was rewritten")
	})
}

// TestListAuditSince keeps to the rows written at or after a time, with the other
// filters.
func TestListAuditSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := fakeClock(s)
		for _, action := range []string{"org.create", "alert.ack", "alert.ack"} {
			if _, err := s.Audit(ctx, "analyst@centre.example", action, "RXA", nil); err != nil {
				t.Fatal(err)
			}
			clk.advance(time.Hour)
		}
		since := clk.now().Add(-2 * time.Hour)
		for _, tt := range []struct {
			name string
			f    vigil.AuditFilter
			want int
		}{
			{"since the second row", vigil.AuditFilter{Since: since}, 2},
			{"since, with an action", vigil.AuditFilter{Since: since, Action: "org.create"}, 0},
			{"since the start", vigil.AuditFilter{Since: since.Add(-time.Hour)}, 3},
			{"since later", vigil.AuditFilter{Since: clk.now()}, 0},
		} {
			got, _, err := s.ListAudit(ctx, tt.f)
			if err != nil || len(got) != tt.want {
				t.Errorf("%s: %d rows, %v; want %d", tt.name, len(got), err, tt.want)
			}
		}
	})
}
