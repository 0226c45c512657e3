package auditlog

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil/internal/store"
)

// DefaultHeadEvery is how often a HeadRecorder records the head when Every is zero.
const DefaultHeadEvery = 5 * time.Minute

// HeadRecorder records the audit chain's head outside the database while the server
// runs: at start, every Every when the head has moved, and at shutdown, it writes the
// head to the head file (see WriteHeadFile) and logs it (message "audit head", with
// head=SEQ:HASH), so that copies of it outlive the database. Before each record it checks
// that the database still holds the head recorded last; when it does not (rows cut or
// rewritten, or an older database put back), it logs an error, keeps the old head file
// as PATH.mismatch-TIMESTAMP and writes an audit entry audit.head_mismatch naming both
// heads. Ship the log somewhere the database's administrators cannot rewrite.
type HeadRecorder struct {
	// Store is the database.
	Store *store.Store
	// Path is the head file, usually HeadPath(data dir).
	Path string
	// Every is how often to record the head; DefaultHeadEvery when zero.
	Every time.Duration
	// Logger receives the heads and the mismatches; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run records the head until ctx ends, then once more, and returns nil. Errors are
// logged and the next tick tries again.
func (r *HeadRecorder) Run(ctx context.Context) error {
	every := r.Every
	if every <= 0 {
		every = DefaultHeadEvery
	}
	last, _, err := ReadHeadFile(r.Path)
	if err != nil {
		r.log().ErrorContext(ctx, "audit head file unreadable; recording a new one", slog.String("path", r.Path), slog.Any("error", err))
	}
	r.record(ctx, &last, "start")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			r.record(sctx, &last, "shutdown")
			cancel()
			return nil
		case <-t.C:
			r.record(ctx, &last, "interval")
		}
	}
}

// record checks that the database still holds *last, then writes and logs the current
// head when it moved (always at start and shutdown) and makes it *last.
func (r *HeadRecorder) record(ctx context.Context, last *Head, why string) {
	log := r.log()
	if last.Seq > 0 {
		found, err := r.Store.AuditHashAt(ctx, last.Seq)
		if err != nil {
			log.ErrorContext(ctx, "audit head not checked", slog.Any("error", err))
			return
		}
		if found != last.Hash {
			r.mismatch(ctx, *last, found)
		}
	}
	seq, hash, err := r.Store.AuditHead(ctx)
	if err != nil {
		log.ErrorContext(ctx, "audit head not recorded", slog.Any("error", err))
		return
	}
	if why == "interval" && seq == last.Seq && hash == last.Hash {
		return
	}
	h := Head{Seq: seq, Hash: hash, Time: r.now().UTC()}
	if seq > 0 {
		if err := WriteHeadFile(r.Path, h); err != nil {
			log.ErrorContext(ctx, "audit head not recorded", slog.String("path", r.Path), slog.Any("error", err))
			return
		}
	}
	log.InfoContext(ctx, "audit head", slog.String("head", h.String()), slog.Time("at", h.Time), slog.String("why", why))
	*last = h
}

// mismatch reports that the database no longer holds the recorded head: found is the
// hash row recorded.Seq has now, "" when there is no such row.
func (r *HeadRecorder) mismatch(ctx context.Context, recorded Head, found string) {
	log := r.log()
	if found == "" {
		found = "none"
	}
	log.ErrorContext(ctx, "the audit log does not hold the head recorded before: rows were cut or rewritten, or an older database was restored",
		slog.String("recorded", recorded.String()), slog.Time("recorded_at", recorded.Time), slog.String("hash_now", found))
	kept := r.Path + ".mismatch-" + r.now().UTC().Format("20060102T150405Z")
	if err := WriteHeadFile(kept, recorded); err != nil {
		log.ErrorContext(ctx, "recorded audit head not kept", slog.String("path", kept), slog.Any("error", err))
	}
	detail := map[string]any{"recorded": recorded.String(), "hash_now": found}
	if !recorded.Time.IsZero() {
		detail["recorded_at"] = recorded.Time.UTC().Format(time.RFC3339)
	}
	if _, err := r.Store.Audit(ctx, "system", "audit.head_mismatch", "audit", detail); err != nil {
		log.ErrorContext(ctx, "audit head mismatch not audited", slog.Any("error", err))
	}
}

func (r *HeadRecorder) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *HeadRecorder) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}
