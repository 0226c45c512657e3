package incidents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// AddEvidence keeps a file for incident id: the centre, or the organisation's own
// people. It is refused when larger than the configured cap or when its content is not
// one of the allowed kinds; its SHA-256 is kept so a copy can be checked.
func (s *Service) AddEvidence(ctx context.Context, p vigil.Principal, id int64, name string, r io.Reader) (vigil.Evidence, error) {
	if err := p.Need(noteWriters...); err != nil {
		return vigil.Evidence{}, err
	}
	content, err := io.ReadAll(io.LimitReader(r, s.maxFile+1))
	if err != nil {
		return vigil.Evidence{}, fmt.Errorf("read evidence: %w", err)
	}
	ctype, err := vigil.CheckEvidence(content, s.maxFile)
	if err != nil {
		return vigil.Evidence{}, &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: "file", Message: vigil.ErrorMessage(err)}}}
	}
	sum := sha256.Sum256(content)
	ev := vigil.Evidence{Incident: id, EvidenceFile: vigil.EvidenceFile{Name: vigil.EvidenceName(name), ContentType: ctype,
		Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), UploadedBy: p.Email}}
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
