package store_test

import (
	"testing"

	"github.com/vigil-health/vigil/internal/store"
)

// TestImportHandsBackWriterCache checks that an import, once finished, leaves SQLite's
// writer with next to no page cache: the batches fill it (towards its 16 MB cap), and
// the memory is wanted next by the matcher rebuild, not by the idle writer.
func TestImportHandsBackWriterCache(t *testing.T) {
	ctx := t.Context()
	s, err := store.Open(ctx, store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	imp, err := s.BeginSourceImport("memory-test")
	if err != nil {
		t.Fatal(err)
	}
	const n, batch = 30_000, 10_000
	for start := 0; start < n; start += batch {
		if _, err := imp.Store(ctx, benchIndicatorsFrom(start, batch, 1)); err != nil {
			t.Fatal(err)
		}
	}
	during, err := s.WriterCacheBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imp.Finish(ctx, true); err != nil {
		t.Fatal(err)
	}
	after, err := s.WriterCacheBytes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("writer page cache: %d KB before Finish, %d KB after", during>>10, after>>10)
	if during < 2<<20 {
		t.Fatalf("writer page cache before Finish = %d bytes: the import should have filled several MB", during)
	}
	if after > during/8 {
		t.Errorf("writer page cache after Finish = %d bytes, want at most %d (an eighth of the %d before)", after, during/8, during)
	}
}
