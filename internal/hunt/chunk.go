package hunt

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// cutChunks reads r and sends line-aligned chunks to both the workers (work) and the
// writer (ordered), so the writer can emit results in input order. A line longer than
// opts.MaxLine is counted as unparseable and skipped.
func cutChunks(ctx context.Context, in io.Reader, name string, opts Options, bufs *buffers, work, ordered chan<- *chunk) error {
	r := bufio.NewReaderSize(in, 64<<10)
	var (
		carry  []byte
		lineNo int64 = 1
	)
	size := opts.ChunkSize
	for {
		if err := ctx.Err(); err != nil {
			return nil
		}
		buf := append(bufs.get(max(size, 2*len(carry))), carry...)
		buf, err := fill(r, buf)
		if err != nil && err != io.EOF {
			send(&chunk{firstLine: lineNo, data: buf}, work, ordered)
			return fmt.Errorf("read error after line %d: %w", lineNo+int64(bytes.Count(buf, []byte{'\n'})), err)
		}
		eof := err == io.EOF
		if eof && len(buf) == 0 {
			return nil
		}
		end := len(buf)
		if !eof {
			end = bytes.LastIndexByte(buf, '\n') + 1
		}
		if end == 0 { // no newline in a full buffer: one long line
			if len(buf) >= opts.MaxLine {
				send(overlong(name, lineNo, opts.MaxLine), work, ordered)
				lineNo++
				carry = nil
				if err := skipLine(r); err != nil {
					return nil
				}
				continue
			}
			carry, size = buf, 2*len(buf)
			continue
		}
		c := &chunk{firstLine: lineNo, data: buf[:end]}
		lineNo += int64(bytes.Count(c.data, []byte{'\n'}))
		// The partial last line is copied out: workers recycle buf once scanned.
		carry = append(carry[:0:0], buf[end:]...)
		size = opts.ChunkSize
		send(c, work, ordered)
		if eof {
			return nil
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

// fill reads until buf is full or the input ends.
func fill(r io.Reader, buf []byte) ([]byte, error) {
	for len(buf) < cap(buf) {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// skipLine discards input up to and including the next newline.
func skipLine(r *bufio.Reader) error {
	for {
		_, err := r.ReadSlice('\n')
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}
