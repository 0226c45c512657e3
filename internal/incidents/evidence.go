package incidents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// evidenceTypes are the kinds of file evidence may be, as http.DetectContentType names
// them from the content itself: documents, pictures, plain text (logs, e-mails saved
// as .eml) and zip (Word and Excel files are zips). HTML, scripts, programs and
// anything unrecognised are refused: none of them is needed to describe an incident,
// and each could run in a browser or on a desktop.
var evidenceTypes = map[string]string{
	"application/pdf":           "a PDF",
	"image/png":                 "a PNG picture",
	"image/jpeg":                "a JPEG photo",
	"image/gif":                 "a GIF picture",
	"image/webp":                "a WebP picture",
	"text/plain; charset=utf-8": "plain text",
	"application/zip":           "a zip (including Word and Excel files)",
}

// AddEvidence keeps a file for incident id: the centre, or the organisation's own
// people. It is refused when larger than the configured cap or when its content is not
// one of the allowed kinds; its SHA-256 is kept so a copy can be checked.
func (s *Service) AddEvidence(ctx context.Context, p vigil.Principal, id int64, name string, r io.Reader) (vigil.Evidence, error) {
	if err := p.Need(noteWriters...); err != nil {
		return vigil.Evidence{}, err
	}
	name = fileName(name)
	content, err := io.ReadAll(io.LimitReader(r, s.maxFile+1))
	if err != nil {
		return vigil.Evidence{}, fmt.Errorf("read evidence: %w", err)
	}
	ctype, err := s.checkFile(content)
	if err != nil {
		return vigil.Evidence{}, &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: "file", Message: vigil.ErrorMessage(err)}}}
	}
	sum := sha256.Sum256(content)
	ev := vigil.Evidence{Incident: id, Name: name, ContentType: ctype, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), AddedBy: p.Email}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		inc, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := ownOrSector(p, inc); err != nil {
			return err
		}
		if ev, err = tx.AddEvidence(ctx, ev, content); err != nil {
			return err
		}
		return entry(ctx, tx, p, id, vigil.EntryEvidence, fmt.Sprintf("%s (%s, %d bytes, SHA-256 %s)", ev.Name, ctype, ev.Size, ev.SHA256),
			"incident.evidence", map[string]any{"org": inc.Org, "file": ev.Name, "size": ev.Size, "sha256": ev.SHA256, "type": ctype})
	})
	return ev, err
}

// checkFile checks a file's size and sniffed kind, and returns its content type.
func (s *Service) checkFile(content []byte) (string, error) {
	switch {
	case len(content) == 0:
		return "", vigil.Errorf(vigil.EINVALID, "the file is empty: choose the file to upload")
	case int64(len(content)) > s.maxFile:
		return "", vigil.Errorf(vigil.EINVALID, "the file is larger than %s: send a smaller one, or a zip of it", sizeWords(s.maxFile))
	}
	ctype := http.DetectContentType(content)
	if _, ok := evidenceTypes[ctype]; !ok {
		return "", vigil.Errorf(vigil.EINVALID, "the file's content is %s, which vigil does not keep as evidence: send a PDF, a picture (PNG, JPEG, GIF, WebP), plain text or a zip", ctype)
	}
	return ctype, nil
}

func sizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileName is an uploaded file's base name with nothing that could steer a download
// elsewhere: no directories, quotes or control characters, at most 120 characters.
func fileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"';<>`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == "/" {
		name = "evidence"
	}
	return shorten(name, 120)
}

// Evidence returns one file of incident id with its content, for download: the centre,
// or the organisation's own people.
func (s *Service) Evidence(ctx context.Context, p vigil.Principal, id, file int64) (vigil.Evidence, []byte, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.Evidence{}, nil, err
	}
	inc, _, err := visible(ctx, s.store, p, id)
	if err != nil {
		return vigil.Evidence{}, nil, err
	}
	if p.Role == vigil.RoleSupplier && p.Org != inc.Org {
		return vigil.Evidence{}, nil, vigil.Errorf(vigil.ENOTFOUND, "incident %d has no file %d", id, file)
	}
	return s.store.GetEvidence(ctx, id, file)
}
