package auditlog_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/auditlog"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// fill appends n keyed rows.
func fill(t *testing.T, s *store.Store, n int) {
	t.Helper()
	s.SetAuditKey(secret)
	for i := range n {
		if _, err := s.Audit(t.Context(), "admin@centre.example", "org.update", "RXA", map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseHead(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	tests := []struct {
		name, in string
		want     int64
	}{
		{"seq and hash", "42:" + hash, 42},
		{"spaces around", " 7:" + hash + "\n", 7},
		{"row zero", "0:" + hash, 0},
		{"no hash", "42", 0},
		{"short hash", "42:abcd", 0},
		{"upper-case hash", "42:" + strings.ToUpper(hash), 0},
		{"negative", "-1:" + hash, 0},
		{"too large", "99999999999999999999:" + hash, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := auditlog.ParseHead(tt.in)
			if tt.want == 0 {
				if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), "SEQ:HASH") {
					t.Errorf("ParseHead(%q) = %v, %v; want invalid saying SEQ:HASH", tt.in, h, err)
				}
				return
			}
			if err != nil || h.Seq != tt.want || h.Hash != hash || h.String() != strings.TrimSpace(tt.in) {
				t.Errorf("ParseHead(%q) = %+v, %v", tt.in, h, err)
			}
		})
	}
}

// TestVerifyHead checks that Verify given a head kept elsewhere catches a log cut from
// the end, emptied, or replaced by another one, which all pass the chain alone.
func TestVerifyHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		fill(t, s, 6)
		svc := auditlog.New(auditlog.Deps{Store: s})
		v, err := svc.Verify(ctx, vigil.CommandLine)
		if err != nil || !v.OK {
			t.Fatalf("Verify = %+v, %v", v, err)
		}
		head := auditlog.Head{Seq: v.HeadSeq, Hash: v.HeadHash}
		older := auditlog.Head{Seq: 3, Hash: v.HeadHash}
		tests := []struct {
			name    string
			head    auditlog.Head
			wantBad int64
			wantMsg string
		}{
			{name: "the current head", head: head},
			{name: "a head ahead of the log", head: auditlog.Head{Seq: 9, Hash: v.HeadHash}, wantBad: 7, wantMsg: "rows 7 to 9 were cut from the end"},
			{name: "another hash at the row", head: older, wantBad: 3, wantMsg: "row 3's hash is not the one recorded"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v, err := svc.Verify(ctx, vigil.CommandLine, tt.head)
				if err != nil || v.OK != (tt.wantMsg == "") || v.FirstBad != tt.wantBad || !strings.Contains(v.Problem, tt.wantMsg) {
					t.Errorf("Verify(%s) = %+v, %v; want first bad %d saying %q", tt.head, v, err, tt.wantBad, tt.wantMsg)
				}
			})
		}
		if _, err := svc.Verify(ctx, vigil.Principal{UserID: 2, Role: vigil.RoleSectorAnalyst}, head); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("Verify by an analyst: %v; want forbidden", err)
		}
	})
}

// TestHeadRecorder runs the recorder over a log, then over an older copy of it with the
// same head file, as after a restore or a cut: the second run must log the mismatch, keep
// the old head file and write an audit entry naming the recorded head.
func TestHeadRecorder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), auditlog.HeadFile)
		fill(t, s, 5)
		var logs bytes.Buffer
		rec := &auditlog.HeadRecorder{Store: s, Path: path, Every: 10 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		runFor(rec, func() { fill(t, s, 2) })
		recorded, ok, err := auditlog.ReadHeadFile(path)
		seq, hash, _ := s.AuditHead(ctx)
		if err != nil || !ok || recorded.Seq != 7 || recorded.Seq != seq || recorded.Hash != hash || recorded.Time.IsZero() {
			t.Fatalf("head file = %+v, %v, %v; want row %d %s", recorded, ok, err, seq, hash)
		}
		for _, want := range []string{"head=5:", "why=start", "head=" + recorded.String(), "why=shutdown"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, logs.String())
			}
		}

		older := reopen(t, s) // a copy of the log with fewer rows
		fill(t, older, 3)
		logs.Reset()
		rec.Store = older
		runFor(rec, func() {})
		if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "recorded="+recorded.String()) {
			t.Errorf("log does not report the mismatch:\n%s", logs.String())
		}
		list, _, err := older.ListAudit(ctx, vigil.AuditFilter{Action: "audit.head_mismatch"})
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Detail, recorded.String()) || !strings.Contains(list[0].Detail, `"hash_now":"none"`) {
			t.Errorf("audit.head_mismatch entries = %+v, %v", list, err)
		}
		kept, _ := filepath.Glob(path + ".mismatch-*")
		if len(kept) != 1 {
			t.Fatalf("kept head files = %v", kept)
		}
		if h, _, _ := auditlog.ReadHeadFile(kept[0]); h.String() != recorded.String() {
			t.Errorf("kept head = %s, want %s", h, recorded)
		}
		if now, _, _ := auditlog.ReadHeadFile(path); now.Seq != 4 {
			t.Errorf("head file after the mismatch = %s; want the copy's head, row 4", now)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("head file mode: %v %v", st, err)
		}
	})
}

// runFor runs the recorder while work runs and a few ticks pass, then stops it.
func runFor(rec *auditlog.HeadRecorder, work func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { rec.Run(ctx); close(done) }()
	time.Sleep(30 * time.Millisecond)
	work()
	time.Sleep(30 * time.Millisecond)
	cancel()
	<-done
}

// reopen returns a new, empty store of s's engine.
func reopen(t *testing.T, s *store.Store) *store.Store {
	if s.Engine() == store.EnginePostgres {
		return storetest.OpenPostgres(t)
	}
	return storetest.Open(t)
}
