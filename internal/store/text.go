package store

import (
	"strings"
	"unicode/utf8"
)

// cleanText is text from outside (an upload, a feed, a form) as both engines can hold it:
// PostgreSQL's text refuses NUL bytes and invalid UTF-8, and each becomes U+FFFD, the
// replacement character, rather than being dropped. The stored text then shows that
// something was there, and never turns into another text that reads as whole ("CERT\x00UK"
// is not stored as "CERTUK", nor a package "bad\x00name" as "badname", a name someone else
// may own). Dropping characters a reader would not see is the parsers' rule for what
// they show (intel.cleanPublisher drops vigil.Unseen ones), not the store's.
func cleanText(v string) string {
	if utf8.ValidString(v) && !strings.ContainsRune(v, 0) {
		return v
	}
	return strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "\uFFFD")
}
