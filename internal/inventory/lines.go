package inventory

import (
	"bytes"
	"strconv"
	"strings"
)

// eachLine calls fn with every line of data and its 1-based number, without the line
// ending.
func eachLine(data []byte, fn func(n int, line string)) {
	n := 0
	for line := range bytes.Lines(data) {
		n++
		fn(n, strings.TrimRight(string(line), "\r\n"))
	}
}

// lineLoc is a Location naming a line.
func lineLoc(n int) string { return "line " + strconv.Itoa(n) }

// stripComment drops a "#" comment: one that starts the line or follows a space (a
// purl's subpath also starts with "#", but never after a space).
func stripComment(line string) string {
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "#") {
		return ""
	}
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	if i := strings.Index(line, "\t#"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
