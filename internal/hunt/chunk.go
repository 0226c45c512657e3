package hunt

import (
	"context"
	"fmt"
	"io"

	"github.com/vigil-health/vigil/internal/telemetry"
)

// cutChunks reads lines from lr and sends line-aligned chunks to both the workers (work)
// and the writer (ordered), so the writer can emit results in input order. A line the
// reader skips as longer than opts.MaxLine is counted as unparseable.
func cutChunks(ctx context.Context, lr *telemetry.LineReader, name string, opts Options, bufs *buffers, work, ordered chan<- *chunk) error {
	lineNo := int64(1) // the number of the next line
	first, buf := lineNo, bufs.get(opts.ChunkSize)
	flush := func() {
		if len(buf) > 0 {
			send(&chunk{firstLine: first, data: buf}, work, ordered)
			buf = bufs.get(opts.ChunkSize)
		}
		first = lineNo
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		line, tooLong, err := lr.Next()
		switch {
		case err == io.EOF:
			flush()
			return nil
		case err != nil:
			flush()
			return fmt.Errorf("read error after line %d: %w", lineNo-1, err)
		case tooLong:
			flush()
			send(overlong(name, lineNo, opts.MaxLine), work, ordered)
			lineNo++
			first = lineNo
			continue
		}
		if len(buf) > 0 && len(buf)+len(line) >= cap(buf) {
			flush()
		}
		buf = append(append(buf, line...), '\n')
		lineNo++
		if len(buf) >= opts.ChunkSize {
			flush()
		}
	}
}

// buffers is a bounded free list of chunk buffers. Scanning is fast enough that a fresh,
// zeroed buffer per chunk cost a third of the time.
type buffers struct {
	size int
	free chan []byte
}

func newBuffers(size, n int) *buffers {
	return &buffers{size: size, free: make(chan []byte, n)}
}

// get returns an empty buffer of at least minCap bytes.
func (b *buffers) get(minCap int) []byte {
	if minCap <= b.size {
		select {
		case buf := <-b.free:
			return buf[:0]
		default:
		}
		minCap = b.size
	}
	return make([]byte, 0, minCap)
}

// put returns a standard-size buffer for reuse; others are left to the collector.
func (b *buffers) put(buf []byte) {
	if cap(buf) != b.size {
		return
	}
	select {
	case b.free <- buf:
	default:
	}
}

func send(c *chunk, work, ordered chan<- *chunk) {
	c.done = make(chan struct{})
	ordered <- c
	work <- c
}
