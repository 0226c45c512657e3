// Package inventories holds the use cases of organisations' software inventories kept on
// the server: uploading one (an SBOM, a lockfile, osquery results or a product list,
// read by the inventory engine) under a source name, replacing or merging into what that
// source held; listing the sources and their components; deleting a source. Who may: the
// organisation's own admins and members, and the sector centre for any organisation;
// suppliers and sensors not.
//
// Every method takes the acting vigil.Principal, checks what it may do before touching a
// row, runs in one store transaction and writes its audit entry inside it. A change
// calls Deps.OnChange after it commits, so that vulnerability matching can re-check the
// organisation.
package inventories

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// DefaultMaxBytes caps one uploaded inventory: the largest real SBOMs are a few MB.
const DefaultMaxBytes = 20 << 20

// Component lists are capped: a page shows at most this many at once.
const (
	DefaultComponentLimit = 500
	MaxComponentLimit     = 5000
)

// Deps is what the Service needs.
type Deps struct {
	// Store is the database.
	Store *store.Store
	// Logger receives errors of background work; nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBytes caps one upload (DefaultMaxBytes when zero).
	MaxBytes int64
	// OnChange is called after an organisation's inventory changed and the change
	// committed (vulnerability matching re-checks that organisation); nil calls nothing.
	OnChange func(ctx context.Context, org string)
}

// Service holds the use cases; it is safe for concurrent use.
type Service struct {
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	maxBytes int64
	onChange func(ctx context.Context, org string)
}

// New builds the Service.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Logger, now: d.Now, maxBytes: d.MaxBytes, onChange: d.OnChange}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxBytes
	}
	return s
}

// MaxBytes is the cap on one upload, for the doors' body limits.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// keepers may upload, read and delete an organisation's inventories: its own people
// (checked against the organisation too) and the sector centre.
var keepers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst, vigil.RoleOrgAdmin, vigil.RoleOrgMember}

// orgOf checks that p may keep ods's inventories and returns its ODS code; an
// organisation p may not see is not found, as everywhere.
func orgOf(p vigil.Principal, ods string) (string, error) {
	if err := p.Need(keepers...); err != nil {
		return "", err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !p.CanSeeOrg(code) {
		return "", vigil.OrgNotFound(ods)
	}
	return code, nil
}

// sourcePattern is what a source name may be: it is part of the API's paths.
var sourcePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// SourceName checks an inventory's source name: 1 to 64 letters, digits, '.', '_' or
// '-', starting with a letter or digit.
func SourceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !sourcePattern.MatchString(name) {
		return "", vigil.Errorf(vigil.EINVALID, "source %q: a source name is 1 to 64 letters, digits, '.', '_' or '-', "+
			"starting with a letter or digit (e.g. ehr-server)", name)
	}
	return name, nil
}

// DefaultSource is the source name an upload without one is kept under: its file name
// made into a source name, or "inventory".
func DefaultSource(fileName string) string {
	base := fileName[strings.LastIndexAny(fileName, `/\`)+1:]
	var b strings.Builder
	for _, r := range base {
		switch {
		case r < 128 && (r == '.' || r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-') // one for each run of other characters
		}
	}
	name := strings.TrimLeft(b.String(), "._-")
	if len(name) > 64 {
		name = name[:64]
	}
	if _, err := SourceName(name); err != nil {
		return "inventory"
	}
	return name
}

// Upload is one inventory file sent to the server.
type Upload struct {
	// Org is the ODS code of the organisation the inventory describes.
	Org string
	// Source is the name it is kept under; empty means DefaultSource(FileName).
	Source string
	// Merge adds the components to what the source holds instead of replacing them.
	Merge bool
	// FileName is the uploaded file's name, a hint for formats the content alone does
	// not tell (requirements.txt, CSV).
	FileName string
}

// Report is what an upload understood.
type Report struct {
	// Org and Source name the inventory the upload went to.
	Org, Source string
	// Format is what the file was read as.
	Format string
	// Merged is true when the upload was merged into the source rather than replacing it.
	Merged bool
	// Components counts the components understood in the file.
	Components int
	// Unmatched counts those outside package ecosystems (products, generic purls): kept,
	// but only sector advisories about their vendor can match them.
	Unmatched int
	// Stored is how many components the source holds now.
	Stored int
	// Problems are the parts of the file that could not be understood; the rest was kept.
	Problems []vigil.InventoryProblem
}

// Upload reads an inventory file and keeps it under its source for the organisation,
// replacing what the source held (or merged into it), audited as inventory.upload. A
// file nothing could be read from is refused, naming the reason; the parts of one that
// could not be read are listed as problems and the rest is kept.
func (s *Service) Upload(ctx context.Context, p vigil.Principal, u Upload, r io.Reader) (Report, error) {
	org, err := orgOf(p, u.Org)
	if err != nil {
		return Report{}, err
	}
	if u.Source == "" {
		u.Source = DefaultSource(u.FileName)
	}
	if u.Source, err = SourceName(u.Source); err != nil {
		return Report{}, err
	}
	parsed, err := s.read(u, r)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Org: org, Source: u.Source, Format: parsed.Format, Merged: u.Merge,
		Components: len(parsed.Components), Problems: parsed.Problems}
	keys := make([]string, len(parsed.Components))
	for i, c := range parsed.Components {
		if c.Ecosystem == "" {
			rep.Unmatched++
			continue
		}
		keys[i] = vuln.PackageKey(c.Ecosystem, c.Name)
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.GetOrg(ctx, org); err != nil {
			return err
		}
		inv := vigil.Inventory{Org: org, Source: u.Source, Format: parsed.Format, UploadedAt: s.now(),
			UploadedBy: p.Email, Problems: parsed.Problems}
		if err := tx.PutInventory(ctx, inv, parsed.Components, keys, u.Merge); err != nil {
			return err
		}
		if rep.Stored, err = storedCount(ctx, tx, org, u.Source); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "inventory.upload", org, map[string]any{"source": u.Source, "format": parsed.Format,
			"merge": u.Merge, "components": rep.Components, "problems": len(rep.Problems), "stored": rep.Stored})
		return err
	})
	if err != nil {
		return Report{}, err
	}
	s.changed(ctx, org)
	return rep, nil
}

// read reads and parses the file, within the size cap.
func (s *Service) read(u Upload, r io.Reader) (inventory.Inventory, error) {
	data, err := io.ReadAll(io.LimitReader(r, s.maxBytes+1))
	if err != nil {
		return inventory.Inventory{}, vigil.Errorf(vigil.EINVALID, "the file could not be read in full: %v", err)
	}
	if int64(len(data)) > s.maxBytes {
		return inventory.Inventory{}, vigil.Errorf(vigil.EINVALID, "the file is larger than the %d MB an inventory may be: "+
			"split it into several sources", s.maxBytes>>20)
	}
	name := u.FileName
	if name == "" {
		name = u.Source
	}
	parsed, err := inventory.Parse(name, bytes.NewReader(data))
	if err != nil {
		return parsed, vigil.Errorf(vigil.EINVALID, "%s", err.Error())
	}
	if len(parsed.Components) == 0 && len(parsed.Problems) > 0 {
		p := parsed.Problems[0]
		return parsed, vigil.Errorf(vigil.EINVALID, "%s: nothing in it could be read (%d problems; the first, at %s: %s)",
			name, len(parsed.Problems), p.Location, p.Reason)
	}
	return parsed, nil
}

// storedCount is how many components the source holds, as the store counted them.
func storedCount(ctx context.Context, tx *store.Store, org, source string) (int, error) {
	invs, err := tx.Inventories(ctx, org)
	if err != nil {
		return 0, err
	}
	for _, inv := range invs {
		if inv.Source == source {
			return inv.Components, nil
		}
	}
	return 0, fmt.Errorf("inventory %q of %s vanished while stored", source, org)
}

// changed tells whoever listens that org's inventory changed.
func (s *Service) changed(ctx context.Context, org string) {
	if s.onChange != nil {
		s.onChange(ctx, org)
	}
}

// List returns the inventories an organisation keeps, by source name.
func (s *Service) List(ctx context.Context, p vigil.Principal, ods string) ([]vigil.Inventory, error) {
	org, err := orgOf(p, ods)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.GetOrg(ctx, org); err != nil {
		return nil, err
	}
	return s.store.Inventories(ctx, org)
}

// Components returns up to limit of the components of an organisation's inventory
// source (all sources when source is ""), and how many there are in all. limit is
// DefaultComponentLimit when zero and at most MaxComponentLimit.
func (s *Service) Components(ctx context.Context, p vigil.Principal, ods, source string, limit int) ([]vigil.Component, int, error) {
	org, err := orgOf(p, ods)
	if err != nil {
		return nil, 0, err
	}
	if source != "" {
		if source, err = SourceName(source); err != nil {
			return nil, 0, err
		}
	}
	comps, err := s.store.InventoryComponents(ctx, org, source)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = DefaultComponentLimit
	}
	limit = min(limit, MaxComponentLimit)
	return comps[:min(limit, len(comps))], len(comps), nil
}

// Delete removes an organisation's inventory source and its components, audited as
// inventory.delete.
func (s *Service) Delete(ctx context.Context, p vigil.Principal, ods, source string) error {
	org, err := orgOf(p, ods)
	if err != nil {
		return err
	}
	if source, err = SourceName(source); err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteInventory(ctx, org, source); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "inventory.delete", org, map[string]any{"source": source})
		return err
	})
	if err != nil {
		return err
	}
	s.changed(ctx, org)
	return nil
}
