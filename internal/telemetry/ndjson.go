package telemetry

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
)

// Limits of reading telemetry, for the zero values of ReaderOptions and the server's
// configuration.
const (
	// DefaultMaxBytes caps one telemetry upload after decompression: the server's
	// max_telemetry_bytes when it is not configured.
	DefaultMaxBytes = 1 << 30
	// DefaultMaxLine is the longest line read when ReaderOptions names none.
	DefaultMaxLine = 64 << 20
)

// ErrTooLarge is returned by LineReader.Next once the input passes ReaderOptions.MaxBytes
// after decompression; the lines before it were returned whole.
var ErrTooLarge = errors.New("telemetry input larger than its cap")

// ErrTooCompressed is returned by LineReader.Next once gzip input unpacks to more than
// ReaderOptions.MaxRatio times the compressed bytes read (past ratioFloor); the lines
// before it were returned whole.
var ErrTooCompressed = errors.New("telemetry input unpacks to more than its ratio cap")

// ratioFloor is how much input is unpacked before MaxRatio is judged: a small upload may
// compress as well as it likes.
const ratioFloor = 16 << 20

// GzipError is returned by NewLineReader for an input that starts with gzip's magic
// number but is not a gzip stream.
type GzipError struct {
	// Err is what the gzip reader said.
	Err error
}

// Error returns what the gzip reader said.
func (e *GzipError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *GzipError) Unwrap() error { return e.Err }

// ReaderOptions bound a LineReader. The zero value reads without a size cap and with
// lines up to DefaultMaxLine.
type ReaderOptions struct {
	// MaxBytes caps the input after decompression; 0 means no cap.
	MaxBytes int64
	// MaxRatio caps gzip input at that many times the compressed bytes read, once past
	// 16 MiB unpacked; 0 means no cap. Telemetry compresses 5 to 30 times; a body of
	// blank lines a thousand times, which makes a small upload cost seconds of CPU.
	MaxRatio int64
	// MaxLine is the longest line returned; longer lines are skipped and counted.
	MaxLine int
}

// LineReader reads NDJSON telemetry one line at a time, as both the server's ingest and
// `vigil hunt` do: it unwraps gzip (several members in a row too) when the input starts
// with gzip's magic number, stops with ErrTooLarge past MaxBytes of decompressed input,
// and skips lines longer than MaxLine, counting them. The common line is returned
// without being copied. It is not safe for concurrent use.
type LineReader struct {
	capped  *capReader
	r       *bufio.Reader
	buf     []byte
	maxLine int
	long    int64
}

// NewLineReader starts reading r. It reads the first bytes to sniff gzip, and fails with
// a *GzipError when they promise gzip that is not there.
func NewLineReader(r io.Reader, o ReaderOptions) (*LineReader, error) {
	if o.MaxLine <= 0 {
		o.MaxLine = DefaultMaxLine
	}
	capped := &capReader{limit: o.MaxBytes}
	raw := &countReader{r: r}
	br := bufio.NewReaderSize(raw, 64<<10)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &GzipError{Err: err}
		}
		zr.Multistream(true)
		capped.r = zr
		capped.ratio, capped.packed = o.MaxRatio, raw
	} else {
		capped.r = br
	}
	return &LineReader{capped: capped, r: bufio.NewReaderSize(capped, 256<<10), maxLine: o.MaxLine}, nil
}

// Bytes is how many bytes were read after decompression.
func (l *LineReader) Bytes() int64 { return l.capped.n }

// MaxBytes is the cap after decompression; 0 when there is none.
func (l *LineReader) MaxBytes() int64 { return l.capped.limit }

// LongLines is how many lines longer than MaxLine were skipped.
func (l *LineReader) LongLines() int64 { return l.long }

// Next returns the next line without its line ending ("\n" or "\r\n"), valid until the
// next call; tooLong reports a line longer than MaxLine, which is skipped (line is nil).
// At the end it returns io.EOF; past the cap ErrTooLarge; a damaged gzip stream the
// gzip reader's error.
func (l *LineReader) Next() (line []byte, tooLong bool, err error) {
	l.buf = l.buf[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if !tooLong {
			if len(l.buf)+len(chunk) > l.maxLine+2 { // +2 for "\r\n"
				tooLong, l.buf = true, l.buf[:0]
			} else if err == bufio.ErrBufferFull || len(l.buf) > 0 {
				l.buf = append(l.buf, chunk...)
				chunk = l.buf
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, false, err
		case err == io.EOF && len(chunk) == 0 && !tooLong:
			return nil, false, io.EOF
		case tooLong:
			l.long++
			return nil, true, nil
		}
		return trimEOL(chunk), false, nil
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// capReader counts bytes and refuses to read past limit (none when limit is 0), or past
// ratio times what packed read of the compressed input (none when ratio is 0).
type capReader struct {
	r        io.Reader
	n, limit int64
	ratio    int64
	packed   *countReader
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.read(p)
	if c.ratio > 0 && c.n > ratioFloor && c.n > c.ratio*c.packed.n {
		return n, ErrTooCompressed
	}
	return n, err
}

// countReader counts the bytes read from r.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *capReader) read(p []byte) (int, error) {
	if c.limit <= 0 {
		n, err := c.r.Read(p)
		c.n += int64(n)
		return n, err
	}
	if room := c.limit - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		n -= int(c.n - c.limit)
		c.n = c.limit
		return n, ErrTooLarge
	}
	return n, err
}
