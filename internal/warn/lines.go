package warn

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLineBytes is the longest event line ParseEvents reads, not counting the line ending.
// A longer line is rejected by number and skipped without being held in memory.
const MaxLineBytes = 1 << 20

// lineReader reads lines with a small buffer, copying a line only when it is longer than
// the buffer, and never keeping more than MaxLineBytes of one.
type lineReader struct {
	br   *bufio.Reader
	long []byte // holds a line longer than br's buffer
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its "\n" or "\r\n". tooLong reports a line longer
// than MaxLineBytes, whose content is then not returned. At the end of input the error is
// io.EOF; a last line without a newline is still returned first. The line is valid until
// the next call.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
	buf := lr.long[:0]
	for {
		frag, err := lr.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			buf, tooLong = keep(buf, frag, tooLong)
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		if err != nil && len(frag) == 0 && len(buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		if len(buf) > 0 || tooLong {
			buf, tooLong = keep(buf, frag, tooLong)
			lr.long, frag = buf, buf
		}
		frag = trimEOL(frag)
		if tooLong || len(frag) > MaxLineBytes {
			return nil, true, nil
		}
		return frag, false, nil
	}
}

// keep adds frag to the long line buf unless the line is already too long to keep.
func keep(buf, frag []byte, tooLong bool) ([]byte, bool) {
	if tooLong || len(buf)+len(frag) > MaxLineBytes+2 {
		return buf[:0], true
	}
	return append(buf, frag...), false
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
