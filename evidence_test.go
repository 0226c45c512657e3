package vigil

import (
	"strings"
	"testing"
	"unicode"
)

func TestCheckEvidence(t *testing.T) {
	const max = 64
	for _, tc := range []struct {
		name, data, want, err string
	}{
		{"pdf", "%PDF-1.7\n...", "application/pdf", ""},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "image/png", ""},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", ""},
		{"gif", "GIF89a\x01\x00", "image/gif", ""},
		{"webp", "RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp", ""},
		{"a Word file is a zip", "PK\x03\x04\x14\x00\x06\x00", "application/zip", ""},
		{"text", "Backups tested on 2 Nov.\r\nBy Linda.", "text/plain; charset=utf-8", ""},
		{"empty", "", "", "empty"},
		{"html is refused", "<html><script>alert(1)</script>\x00", "", "send a PDF"},
		{"html that is valid text is refused", "<!DOCTYPE html><p>hi</p>", "", "text/html"},
		{"an executable is refused", "MZ\x90\x00\x03\x00", "", "send a PDF"},
		{"a RIFF that is not WebP is refused", "RIFF\x10\x00\x00\x00AVI \x00", "", "send a PDF"},
		{"too big", strings.Repeat("a", max+1), "", "larger than 64 bytes"},
	} {
		got, err := CheckEvidence([]byte(tc.data), max)
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: CheckEvidence = %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
	for in, want := range map[string]string{`C:\Users\l\policy.pdf`: "policy.pdf", "../../etc/passwd": "passwd",
		"a\"b\n.pdf": "ab.pdf", " ": "evidence", "x/..": "evidence", "<x>;'.txt": "x.txt",
		strings.Repeat("é", 130): strings.Repeat("é", 120),
		"\u202etxt.exe":          "txt.exe", "report\u202Dgpj.exe": "reportgpj.exe", "a\u2066b\u2069\u200e\u200f\u061c.pdf": "ab.pdf",
		"in\u200bvisible\ufeff.txt": "invisible.txt", "line\u2028sep\x1b[31m.txt": "linesep[31m.txt", "\u202e ": "evidence"} {
		if got := EvidenceName(in); got != want {
			t.Errorf("EvidenceName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCheckEvidence checks that no upload panics the check, that whatever it accepts is
// one of the kinds and within the cap, and that a cleaned name steers nowhere.
func FuzzCheckEvidence(f *testing.F) {
	for _, s := range []string{"%PDF-1.4", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "plain text", "\x00\x01", "<svg onload=x>", "RIFF1234WEBP"} {
		f.Add([]byte(s), "name.pdf")
	}
	kinds := "application/pdf image/png image/jpeg image/gif image/webp application/zip text/plain; charset=utf-8"
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		kind, err := CheckEvidence(data, 1<<10)
		if err == nil && (len(data) == 0 || len(data) > 1<<10 || !strings.Contains(kinds, kind)) {
			t.Fatalf("accepted %q as %q", data, kind)
		}
		n := EvidenceName(name)
		if n == "" || strings.ContainsAny(n, "/\\\"'<>;\n\r") || strings.IndexFunc(n, invisible) >= 0 {
			t.Fatalf("EvidenceName(%q) = %q", name, n)
		}
	})
}

// invisible reports whether r is a control, bidi or other formatting character.
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Bidi_Control, unicode.Cf, unicode.Zl, unicode.Zp)
}
