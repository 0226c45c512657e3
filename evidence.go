package vigil

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxEvidenceBytes caps one evidence file: a scanned policy or a screenshot, not a
// backup. It leaves room under the server's 1 MiB request cap for a form's own parts.
const MaxEvidenceBytes = 1_000_000

// EvidenceFile is a file kept as evidence for one posture item. vigil never opens it:
// it is stored as sent and downloaded as an attachment.
type EvidenceFile struct {
	// Name is the file's name as uploaded, cleaned of any folder.
	Name string `json:"name"`
	// ContentType is the kind vigil found in its first bytes.
	ContentType string `json:"content_type"`
	// Size is its length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 of its bytes, to show it is the file uploaded.
	SHA256 string `json:"sha256"`
	// UploadedBy is who uploaded it.
	UploadedBy string `json:"uploaded_by"`
	// UploadedAt is when.
	UploadedAt time.Time `json:"uploaded_at"`
}

// The evidence kinds vigil keeps, found by content rather than by name.
var evidenceMagic = []struct {
	prefix, kind string
}{
	{"%PDF-", "application/pdf"},
	{"\x89PNG\r\n\x1a\n", "image/png"},
	{"\xff\xd8\xff", "image/jpeg"},
}

// EvidenceKind returns the content type of an evidence file from its bytes: PDF, PNG,
// JPEG or plain UTF-8 text; anything else (or an empty or oversized file) is an invalid
// error saying what is accepted.
func EvidenceKind(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", Errorf(EINVALID, "the evidence file is empty")
	case len(data) > MaxEvidenceBytes:
		return "", Errorf(EINVALID, "the evidence file is %d bytes: at most %d (1 MB) are kept; scan at a lower resolution or upload a summary", len(data), MaxEvidenceBytes)
	}
	for _, m := range evidenceMagic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return m.kind, nil
		}
	}
	if utf8.Valid(data) && bytes.IndexFunc(data, isControl) < 0 {
		return "text/plain; charset=utf-8", nil
	}
	return "", Errorf(EINVALID, "the evidence file is not a PDF, PNG, JPEG or plain text file: save it as one of those and upload it again")
}

// EvidenceName cleans an uploaded file's name: its last path element, printable, at
// most 200 characters; "evidence" when nothing is left.
func EvidenceName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if isControl(r) || r == '"' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:200])
	}
	if name == "" || name == "." || name == ".." {
		return "evidence"
	}
	return name
}
