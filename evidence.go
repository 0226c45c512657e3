package vigil

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxEvidenceBytes caps one evidence file, for an incident or a posture item,
// when the configuration does not: a scanned policy, a photo of a ransom note or a
// zip of logs, not a backup.
const DefaultMaxEvidenceBytes = 20 << 20

// EvidenceFile is a file kept as evidence, of an incident or of one posture item.
// vigil never opens it: it is stored as sent, with its SHA-256, and only ever
// downloaded as an attachment.
type EvidenceFile struct {
	// Name is the file's name as uploaded, cleaned of any folder (EvidenceName).
	Name string `json:"name"`
	// ContentType is the kind vigil found in its first bytes (CheckEvidence).
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

// evidenceTypes are the kinds of file vigil keeps as evidence, as a browser would sniff
// them from the content itself (http.DetectContentType): documents, pictures, plain
// text (logs, e-mails saved as .eml) and zip (Word and Excel files are zips). HTML,
// XML, scripts, programs and anything unrecognised are refused: none of them is needed
// as evidence, and each could run in a browser or on a desktop.
var evidenceTypes = map[string]bool{
	"application/pdf":           true,
	"image/png":                 true,
	"image/jpeg":                true,
	"image/gif":                 true,
	"image/webp":                true,
	"text/plain; charset=utf-8": true,
	"application/zip":           true,
}

// CheckEvidence returns the content type of an evidence file from its bytes, or an
// invalid error saying what to send instead: it must be non-empty, at most max bytes,
// and one of evidenceTypes whatever its name says.
func CheckEvidence(data []byte, max int64) (string, error) {
	switch {
	case len(data) == 0:
		return "", Errorf(EINVALID, "the file is empty: choose the file to upload")
	case int64(len(data)) > max:
		return "", Errorf(EINVALID, "the file is larger than %s: send a smaller one (scan at a lower resolution), or a zip of it", SizeWords(max))
	}
	kind := http.DetectContentType(data)
	if !evidenceTypes[kind] {
		return "", Errorf(EINVALID, "the file's content is %s, which vigil does not keep as evidence: send a PDF, a picture (PNG, JPEG, GIF, WebP), plain text or a zip (Word and Excel files are zips)", kind)
	}
	return kind, nil
}

// SizeWords writes a byte count as a person would ("20 MB", "512 bytes").
func SizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Unseen reports whether r is a character a reader of outside text does not see as
// itself: a control character, or an invisible formatting one (bidi controls such as
// U+202E, which shows "\u202etxt.exe" as "exe.txt", zero-width ones, line and paragraph
// separators).
func Unseen(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Bidi_Control, unicode.Cf, unicode.Zl, unicode.Zp)
}

// EvidenceName cleans an uploaded file's name so that it cannot steer a download
// elsewhere nor pass for another: its last path element, without quotes, angle
// brackets, semicolons or Unseen characters, at most 120 characters; "evidence" when
// nothing is left.
func EvidenceName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(strings.Map(func(r rune) rune {
		if Unseen(r) || strings.ContainsRune("\"';<>", r) {
			return -1
		}
		return r
	}, name))
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	if name == "" || name == "." || name == ".." {
		return "evidence"
	}
	return name
}
