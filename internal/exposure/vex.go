package exposure

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vex"
	"github.com/vigil-health/vigil/internal/vuln"
)

// VEX on the server: an organisation's people (or the analysts for it) upload the VEX
// statements that apply to its findings; a supplier uploads those that apply, at each of
// its customers, to the components their inventories attribute to it. Every check
// applies them: a not_affected statement with a reason suppresses a finding, fixed
// closes it; its alert is resolved with a note naming the statement.

// VEXUpload is what uploading a VEX document did.
type VEXUpload struct {
	// Format is "OpenVEX" or "CycloneDX".
	Format string
	// Statements counts the statements kept; Problems lists those left out, with lines.
	Statements int
	Problems   []vex.Problem
	// OrgsChecked counts the organisations re-checked.
	OrgsChecked int
}

// vexOwner is whose statements an upload to org by p are: a supplier's own, or the
// organisation's.
func (s *Service) vexOwner(ctx context.Context, p vigil.Principal, org string) (kind, owner string, err error) {
	if err := p.Need(vigil.People...); err != nil {
		return "", "", err
	}
	if !p.CanSeeOrg(org) {
		return "", "", vigil.Errorf(vigil.ENOTFOUND, "no organisation %q you may see", org)
	}
	if p.Role != vigil.RoleSupplier {
		return store.VEXOwnerOrg, org, nil
	}
	o, err := s.store.GetOrg(ctx, org)
	if err != nil {
		return "", "", err
	}
	return store.VEXOwnerSupplier, o.Name, nil
}

// UploadVEX keeps the statements of an OpenVEX or CycloneDX VEX document (name is the
// document's name: a second upload of that name replaces it) for organisation org, or,
// when p is a supplier uploading to its own organisation, for its customers; then
// re-checks the organisations they apply to. A statement that cannot be used is listed
// with its line and left out; a document with none usable is refused.
func (s *Service) UploadVEX(ctx context.Context, p vigil.Principal, org, name string, data []byte) (VEXUpload, error) {
	kind, owner, err := s.vexOwner(ctx, p, org)
	if err != nil {
		return VEXUpload{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return VEXUpload{}, vigil.OnField("name", vigil.Errorf(vigil.EINVALID, "name the VEX document (its file name), so a later upload of it replaces it"))
	}
	doc, err := vex.Parse(name, data)
	if err != nil { // nothing kept; the problems, when it had statements, say which and where
		return VEXUpload{Format: doc.Format, Problems: doc.Problems}, vigil.OnField("body", vigil.Errorf(vigil.EINVALID, "%v", err))
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.ReplaceVEX(ctx, kind, owner, name, p.Email, doc.Statements); err != nil {
			return err
		}
		_, err := tx.Audit(ctx, p.Email, "vex.upload", "org/"+org, map[string]any{"document": name, "format": doc.Format,
			"owner": owner, "statements": len(doc.Statements), "problems": len(doc.Problems)})
		return err
	})
	if err != nil {
		return VEXUpload{}, err
	}
	orgs := []string{org}
	if kind == store.VEXOwnerSupplier {
		if orgs, err = s.store.OrgsWithSupplier(ctx, owner); err != nil {
			return VEXUpload{}, err
		}
	}
	for _, o := range orgs {
		s.InventoryChanged(ctx, o)
	}
	return VEXUpload{Format: doc.Format, Statements: len(doc.Statements), Problems: doc.Problems, OrgsChecked: len(orgs)}, nil
}

// ExportVEX writes the statements uploaded for org (a supplier's own, when p is the
// supplier) as OpenVEX ("openvex") or CycloneDX ("cyclonedx").
func (s *Service) ExportVEX(ctx context.Context, p vigil.Principal, org, format string, w io.Writer) error {
	kind, owner, err := s.vexOwner(ctx, p, org)
	if err != nil {
		return err
	}
	list, err := s.store.VEXStatements(ctx, kind, owner)
	if err != nil {
		return err
	}
	meta := vex.Meta{Author: owner}
	switch format {
	case "", "openvex":
		return vex.WriteOpenVEX(w, meta, list)
	case "cyclonedx":
		return vex.WriteCycloneDX(w, meta, list)
	}
	return vigil.OnField("format", vigil.Errorf(vigil.EINVALID, "format %q: use openvex or cyclonedx", format))
}

// Suppressed lists the findings VEX statements took off org's open list, with why; for
// a supplier (org its own organisation), those its statements took off its customers'.
func (s *Service) Suppressed(ctx context.Context, p vigil.Principal, org string) ([]vigil.VEXSuppression, error) {
	kind, owner, err := s.vexOwner(ctx, p, org)
	if err != nil {
		return nil, err
	}
	return s.suppressed(ctx, kind, owner)
}

func (s *Service) suppressed(ctx context.Context, kind, owner string) ([]vigil.VEXSuppression, error) {
	if kind == store.VEXOwnerSupplier {
		return s.store.SupplierSuppressions(ctx, owner)
	}
	return s.store.Suppressions(ctx, owner)
}

// vexResult is a check's findings after the VEX statements: those still open, and the
// vulnerabilities every finding of which a statement closed, with why.
type vexResult struct {
	open       []vuln.Finding
	suppressed []vigil.VEXSuppression
	notes      map[string]string         // vulnerability → the alert's resolution note
	closed     map[string][]vuln.Finding // vulnerability → its findings the statements closed
}

// applyVEX applies the organisation's own statements (own), then each supplier's
// (bySupplier, by the supplier's name as the components give it) to the findings in
// components attributed to that supplier. The organisation's word comes first: it runs
// the software.
func applyVEX(org string, comps []vigil.Component, db *vuln.DB, findings []vuln.Finding, now time.Time,
	own []vigil.VEXStatement, bySupplier map[string][]vigil.VEXStatement) vexResult {
	out := vex.Apply(findings, own)
	open, closed := out.Open, closedBy(out.Suppressed, "")
	for _, sup := range suppliersOf(comps) {
		stmts := bySupplier[sup]
		if len(stmts) == 0 {
			continue
		}
		theirs, others := splitBySupplier(open, comps, sup)
		o := vex.Apply(theirs, stmts)
		open = append(others, o.Open...)
		closed = append(closed, closedBy(o.Suppressed, sup)...)
	}
	return suppressions(org, db, open, closed, now)
}

// closedFinding is a finding a statement closed, and whose statement it was.
type closedFinding struct {
	vex.Suppressed
	supplier string // the supplier whose statement it was; "" for the organisation's own
}

func closedBy(list []vex.Suppressed, supplier string) []closedFinding {
	out := make([]closedFinding, len(list))
	for i, x := range list {
		out[i] = closedFinding{x, supplier}
	}
	return out
}

// suppressions groups the closed findings by vulnerability; one with a finding still
// open stays open (with the components left), so only wholly closed ones are listed.
func suppressions(org string, db *vuln.DB, open []vuln.Finding, closed []closedFinding, now time.Time) vexResult {
	res := vexResult{open: open, notes: map[string]string{}, closed: map[string][]vuln.Finding{}}
	stillOpen := map[string]bool{}
	for _, f := range open {
		stillOpen[db.Root(f.ID)] = true
	}
	byRoot := map[string]*vigil.VEXSuppression{}
	for _, c := range closed {
		root := db.Root(c.ID)
		if stillOpen[root] {
			continue
		}
		x := byRoot[root]
		if x == nil {
			x = &vigil.VEXSuppression{Org: org, Vuln: root, Status: c.VEXStatus, Justification: c.Justification,
				Reason: c.Reason, Supplier: c.supplier, DecidedAt: now}
			byRoot[root] = x
		}
		res.closed[root] = append(res.closed[root], c.Finding)
		x.Components = append(x.Components, vigil.AffectedComponent{Ecosystem: c.Ecosystem, Name: c.Name,
			Version: c.Version, Source: c.Input, Location: c.Location})
	}
	for _, root := range sortedKeys(byRoot) {
		res.suppressed = append(res.suppressed, *byRoot[root])
		res.notes[root] = "Closed by a VEX statement: " + byRoot[root].Reason
	}
	return res
}

// recordSuppressed keeps, as a closed finding, each vulnerability VEX statements closed
// before vigil ever found it open at the organisation (the statement came first), so that
// the exposure board lists the organisation as not affected rather than hiding it. One
// found before is already closed by gone, its alert resolved with the statement's note.
func (r *reconcile) recordSuppressed(ctx context.Context, had map[string]vigil.Exposure) error {
	for _, root := range sortedKeys(r.vexClosed) {
		if _, ok := had[root]; ok {
			continue
		}
		e := exposureOf(r.org, root, r.vexClosed[root], r.now)
		e.FixedAt = r.now
		if err := r.put(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// suppliersOf lists the suppliers the components are attributed to.
func suppliersOf(comps []vigil.Component) []string {
	var out []string
	for _, c := range comps {
		if c.Supplier != "" {
			out = append(out, c.Supplier)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// splitBySupplier separates the findings in components attributed to supplier sup.
func splitBySupplier(findings []vuln.Finding, comps []vigil.Component, sup string) (theirs, others []vuln.Finding) {
	of := map[[3]string]bool{}
	for _, c := range comps {
		if strings.EqualFold(c.Supplier, sup) {
			of[[3]string{c.Source, c.Name, c.Version}] = true
			if c.Product != "" {
				of[[3]string{c.Source, c.Product, c.Version}] = true
			}
		}
	}
	for _, f := range findings {
		if of[[3]string{f.Input, f.Name, f.Version}] {
			theirs = append(theirs, f)
		} else {
			others = append(others, f)
		}
	}
	return theirs, others
}

// ExportBuffer is ExportVEX into memory, for the API to answer with.
func (s *Service) ExportBuffer(ctx context.Context, p vigil.Principal, org, format string) ([]byte, error) {
	var b bytes.Buffer
	err := s.ExportVEX(ctx, p, org, format, &b)
	return b.Bytes(), err
}
