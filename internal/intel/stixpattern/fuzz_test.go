package stixpattern

import (
	"errors"
	"testing"
)

// FuzzParsePattern checks that no input panics, that every error is an *Error pointing
// inside the pattern, and that what parses prints to a pattern that parses to the same AST.
func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		"[ipv4-addr:value = '198.51.100.1']",
		"[file:hashes.'SHA-256' = 'ab' OR file:hashes.MD5 = 'cd']",
		"[url:value IN ('http://a/', 'http://b/')]",
		"[a:b = 1] AND [a:b = 2] WITHIN 300 SECONDS",
		"[a:b = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
		"[x:y = b'aGk=' OR x:y = h'ff' OR x:y NOT LIKE 'a%' OR EXISTS x:z[*].w]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		e, err := Parse(pattern)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Offset < 0 || perr.Offset > len(pattern) {
				t.Fatalf("Parse(%q): bad error %#v", pattern, err)
			}
			return
		}
		Matchable(e)
		printed := e.String()
		e2, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", pattern, printed, err)
		}
		if again := e2.String(); again != printed {
			t.Fatalf("Parse(%q) printed %q, which reprints as %q", pattern, printed, again)
		}
	})
}
