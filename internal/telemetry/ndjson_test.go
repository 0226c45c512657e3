package telemetry

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func gz(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	_ = zw.Close()
	return b.String()
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 20)
	tests := []struct {
		name      string
		in        string
		opts      ReaderOptions
		want      []string // "!" marks a line skipped as too long
		wantErr   error
		wantBytes int64
	}{
		{"plain", "a\nb\n", ReaderOptions{}, []string{"a", "b"}, nil, 4},
		{"no final newline", "a\nb", ReaderOptions{}, []string{"a", "b"}, nil, 3},
		{"CRLF and blank lines", "a\r\n\r\nb\r\n", ReaderOptions{}, []string{"a", "", "b"}, nil, 8},
		{"gzip", gz("a\nb\n"), ReaderOptions{}, []string{"a", "b"}, nil, 4},
		{"two gzip members", gz("a\n") + gz("b\n"), ReaderOptions{}, []string{"a", "b"}, nil, 4},
		{"a long line is skipped and counted", "a\n" + long + "\nb\n", ReaderOptions{MaxLine: 10}, []string{"a", "!", "b"}, nil, 25},
		{"the cap counts after decompression", gz("aaaa\nbbbb\ncccc\n"), ReaderOptions{MaxBytes: 12}, []string{"aaaa", "bbbb"}, ErrTooLarge, 12},
		{"exactly the cap", "ab\n", ReaderOptions{MaxBytes: 3}, []string{"ab"}, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr, err := NewLineReader(strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				line, tooLong, err := lr.Next()
				if err != nil {
					if err == io.EOF {
						err = nil
					}
					if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
						t.Fatalf("error %v, want %v", err, tt.wantErr)
					}
					break
				}
				if tooLong {
					got = append(got, "!")
					continue
				}
				got = append(got, string(line))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lines %q, want %q", got, tt.want)
			}
			if lr.Bytes() != tt.wantBytes {
				t.Errorf("Bytes() = %d, want %d", lr.Bytes(), tt.wantBytes)
			}
			if want := int64(strings.Count(strings.Join(tt.want, ","), "!")); lr.LongLines() != want {
				t.Errorf("LongLines() = %d, want %d", lr.LongLines(), want)
			}
		})
	}
}

func TestLineReaderRefusesFalseGzip(t *testing.T) {
	_, err := NewLineReader(strings.NewReader("\x1f\x8bnot gzip at all"), ReaderOptions{})
	var ge *GzipError
	if !errors.As(err, &ge) {
		t.Errorf("NewLineReader = %v, want a *GzipError", err)
	}
}

// FuzzLineReader reads arbitrary bodies, plain and gzip, with a small cap and line limit:
// it never panics, never reads past the cap, and returns every line within the limit.
func FuzzLineReader(f *testing.F) {
	for _, seed := range []string{"", "a\nb\n", "a\r\n\r\nb", gz("x\ny\n"), "\x1f\x8b", strings.Repeat("z", 40) + "\nq\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		lr, err := NewLineReader(bytes.NewReader(body), ReaderOptions{MaxBytes: 64, MaxLine: 16})
		if err != nil {
			var ge *GzipError
			if !errors.As(err, &ge) {
				t.Fatalf("NewLineReader: %v", err)
			}
			return
		}
		for {
			line, tooLong, err := lr.Next()
			if err != nil {
				break
			}
			if tooLong != (line == nil) || len(line) > 16+2 {
				t.Fatalf("line %q, tooLong %v", line, tooLong)
			}
		}
		if lr.Bytes() > 64 {
			t.Fatalf("read %d bytes past the cap of 64", lr.Bytes())
		}
	})
}

// TestLineReaderRatioCap: gzip input that unpacks to more than MaxRatio times what was
// read of it stops with ErrTooCompressed once past 16 MiB (20 MiB of blank lines pack
// into ~20 KB), the lines before it returned; real telemetry, or no cap, reads to the end.
func TestLineReaderRatioCap(t *testing.T) {
	blank := gz(strings.Repeat("\n", 20<<20))
	count := func(in string, o ReaderOptions) (int, error) {
		lr, err := NewLineReader(strings.NewReader(in), o)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			if _, _, err := lr.Next(); err != nil {
				if err == io.EOF {
					err = nil
				}
				return n, err
			}
			n++
		}
	}
	if n, err := count(blank, ReaderOptions{MaxRatio: 200}); !errors.Is(err, ErrTooCompressed) || n < 16<<20 || n >= 20<<20 {
		t.Errorf("blank lines with a 200× cap: %d lines, %v; want ErrTooCompressed after 16 MiB of lines", n, err)
	}
	if n, err := count(blank, ReaderOptions{}); err != nil || n != 20<<20 {
		t.Errorf("blank lines without a cap: %d lines, %v; want every line", n, err)
	}
	var logs strings.Builder
	for i := 0; logs.Len() < 18<<20; i++ {
		fmt.Fprintf(&logs, `{"ts":%d,"_path":"dns","query":"host%d.example","id.orig_h":"10.0.%d.%d"}`+"\n", 1700000000+i, i, i>>8&255, i&255)
	}
	if _, err := count(gz(logs.String()), ReaderOptions{MaxRatio: 200}); err != nil {
		t.Errorf("18 MiB of Zeek-like lines with a 200× cap: %v; want read to the end", err)
	}
}
