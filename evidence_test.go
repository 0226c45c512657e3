package vigil

import (
	"strings"
	"testing"
)

func TestEvidenceKind(t *testing.T) {
	for _, tc := range []struct {
		name, data, want, err string
	}{
		{"pdf", "%PDF-1.7\n...", "application/pdf", ""},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "image/png", ""},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg", ""},
		{"text", "Backups tested on 2 Nov.\r\nBy Linda.", "text/plain; charset=utf-8", ""},
		{"empty", "", "", "empty"},
		{"html is refused", "<html><script>alert(1)</script>\x00", "", "not a PDF"},
		{"an executable is refused", "MZ\x90\x00\x03\x00", "", "not a PDF"},
		{"too big", strings.Repeat("a", MaxEvidenceBytes+1), "", "at most"},
	} {
		got, err := EvidenceKind([]byte(tc.data))
		if got != tc.want || (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: EvidenceKind = %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
	for in, want := range map[string]string{`C:\Users\l\policy.pdf`: "policy.pdf", "../../etc/passwd": "passwd", "a\"b\n.pdf": "ab.pdf", " ": "evidence", "x/..": "evidence"} {
		if got := EvidenceName(in); got != want {
			t.Errorf("EvidenceName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEvidenceKind checks that no upload panics the check, and that whatever it accepts
// is one of the four kinds and within the cap.
func FuzzEvidenceKind(f *testing.F) {
	for _, s := range []string{"%PDF-1.4", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "plain text", "\x00\x01", "<svg onload=x>"} {
		f.Add([]byte(s), "name.pdf")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		kind, err := EvidenceKind(data)
		if err == nil && (len(data) == 0 || len(data) > MaxEvidenceBytes || !strings.Contains("application/pdf image/png image/jpeg text/plain; charset=utf-8", kind)) {
			t.Fatalf("accepted %q as %q", data, kind)
		}
		n := EvidenceName(name)
		if n == "" || strings.ContainsAny(n, "/\\\"\n\r") {
			t.Fatalf("EvidenceName(%q) = %q", name, n)
		}
	})
}
