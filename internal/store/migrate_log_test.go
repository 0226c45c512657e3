package store_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
)

// A new database says in one line that its schema was created; the migrations one by
// one are there at debug level for whoever asks.
func TestNewDatabaseLogsOneLine(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf bytes.Buffer
		s, err := store.Open(t.Context(), store.Config{DataDir: t.TempDir(),
			Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		created, each := strings.Count(buf.String(), `msg="created the database schema"`), strings.Count(buf.String(), `msg="applied migration"`)
		if created != 1 || (level == slog.LevelInfo) != (each == 0) || (level == slog.LevelDebug && each < 30) {
			t.Errorf("at %s: %d lines created, %d applied:\n%s", level, created, each, buf.String())
		}
	}
}
