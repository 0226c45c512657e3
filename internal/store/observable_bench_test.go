package store_test

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// BenchmarkIndexObservables writes the observable index as a telemetry upload does: one
// transaction of 32,768 new keys (a full batch) per op, into today's partition on
// PostgreSQL. It reports rows/s and, on PostgreSQL, the bytes per row the index takes
// with its indexes (bytes/row), from which docs/scale.md sizes 30 days.
func BenchmarkIndexObservables(b *testing.B) {
	const batch = 32 << 10
	day := vigil.DayOf(time.Now())
	storetest.EachBench(b, func(b *testing.B, s *store.Store) {
		mustCreate(b, s, org("RXA", vigil.OrgTrust))
		if err := s.PrepareObservableDays(b.Context(), day); err != nil {
			b.Fatal(err)
		}
	}, func(b *testing.B, s *store.Store) {
		ctx := b.Context()
		next := uint64(0)
		keys := make([][]byte, batch)
		start := time.Now()
		for b.Loop() {
			for i := range keys {
				var n [8]byte
				binary.BigEndian.PutUint64(n[:], next)
				next++
				h := sha256.Sum256(n[:])
				keys[i] = h[:]
			}
			if err := s.Tx(ctx, func(tx *store.Store) error { return tx.IndexObservables(ctx, "RXA", day, keys) }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(next)/time.Since(start).Seconds(), "rows/s")
		if s.Engine() == store.EnginePostgres {
			size, err := s.QueryInt(ctx, `SELECT SUM(pg_total_relation_size(relid)) FROM pg_partition_tree('observable_index')`)
			rows, err2 := s.QueryInt(ctx, `SELECT COUNT(*) FROM observable_index`)
			if err == nil && err2 == nil && rows > 0 {
				b.ReportMetric(float64(size)/float64(rows), "bytes/row")
			}
		}
	})
}
