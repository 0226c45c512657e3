package intel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

// maxPublisher is the most characters of a publisher's name kept: enough for any real
// organisation, short enough for a page or an alert to show whole.
const maxPublisher = 200

// cleanPublisher is a publisher's name (a STIX identity's, a MISP organisation's) as
// vigil shows it: the data is outside text, so control and invisible formatting
// characters (bidi overrides such as U+202E, which reorder what a reader sees) are
// dropped, runs of whitespace become one space, and a name past maxPublisher characters
// is cut with "…". Empty means no publisher.
func cleanPublisher(s string) string {
	var b strings.Builder
	n, space := 0, false
	for _, r := range s { // invalid UTF-8 comes out as U+FFFD
		switch {
		case unicode.IsSpace(r) || unicode.In(r, unicode.Zl, unicode.Zp):
			space = n > 0
			continue
		case vigil.Unseen(r):
			continue
		}
		if need := n + 1 + btoi(space); need > maxPublisher {
			return cutName(b.String(), n)
		}
		if space {
			b.WriteByte(' ')
			n, space = n+1, false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// cutName ends s, n characters long, with "…" and keeps it within maxPublisher.
func cutName(s string, n int) string {
	if n == maxPublisher {
		_, size := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-size], " ")
	}
	return s + "…"
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
