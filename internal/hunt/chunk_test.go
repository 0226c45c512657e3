package hunt

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/telemetry"
)

// TestCutChunksKeepsLinesWhole checks that however the input is cut, every chunk holds
// whole lines and knows the number of its first line.
func TestCutChunksKeepsLinesWhole(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		chunkSize int
		maxLine   int
		wantLines []string // line N is wantLines[N-1]; "" for a skipped overlong line
		overlong  int
	}{
		{"small chunks", "a\nbb\nccc\ndddd\n", 4, 1 << 20, []string{"a", "bb", "ccc", "dddd"}, 0},
		{"no final newline", "a\nbb\nlast", 3, 1 << 20, []string{"a", "bb", "last"}, 0},
		{"line longer than a chunk grows the buffer", "x\n" + strings.Repeat("y", 50) + "\nz\n", 8, 1 << 20,
			[]string{"x", strings.Repeat("y", 50), "z"}, 0},
		{"line longer than the limit is skipped", "x\n" + strings.Repeat("y", 100) + "\nz\n", 8, 32,
			[]string{"x", "", "z"}, 1},
		{"empty input", "", 8, 1 << 20, nil, 0},
		{"blank lines count", "\n\na\n", 2, 1 << 20, []string{"", "", "a"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := make(chan *chunk, 1000)
			ordered := make(chan *chunk, 1000)
			opts := Options{ChunkSize: tt.chunkSize, MaxLine: tt.maxLine}
			lr, err := telemetry.NewLineReader(strings.NewReader(tt.input), telemetry.ReaderOptions{MaxLine: tt.maxLine})
			if err != nil {
				t.Fatal(err)
			}
			if err := cutChunks(context.Background(), lr, "in", opts, newBuffers(tt.chunkSize, 0), work, ordered); err != nil {
				t.Fatal(err)
			}
			close(ordered)
			got := map[int64]string{}
			overlong := 0
			for c := range ordered {
				if c.counts.unparseable > 0 {
					overlong++
					got[c.firstLine] = ""
					continue
				}
				if len(c.data) > 0 && !bytes.HasSuffix(c.data, []byte("\n")) && !strings.HasSuffix(tt.input, string(c.data)) {
					t.Errorf("chunk %q does not end on a line boundary", c.data)
				}
				lines := strings.Split(strings.TrimSuffix(string(c.data), "\n"), "\n")
				for i, l := range lines {
					got[c.firstLine+int64(i)] = l
				}
			}
			if overlong != tt.overlong {
				t.Errorf("overlong lines = %d, want %d", overlong, tt.overlong)
			}
			for i, want := range tt.wantLines {
				if g, ok := got[int64(i+1)]; !ok || g != want {
					t.Errorf("line %d = %q (present %v), want %q", i+1, g, ok, want)
				}
			}
		})
	}
}
