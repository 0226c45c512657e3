package orgs

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgcsv"
	"github.com/vigil-health/vigil/internal/store"
)

// Import is a bulk load of organisations, as orgcsv read it.
type Import struct {
	// Source names what was read, e.g. the file; the audit entry's target.
	Source string
	// Rows are the organisations read, with their supplier links.
	Rows []orgcsv.Row
	// Unreadable are the rows that could not be read; they count as refused.
	Unreadable []orgcsv.RowError
	// Update changes organisations that exist instead of refusing them.
	Update bool
}

// ImportResult is what Import did.
type ImportResult struct {
	// Imported is how many organisations were created or updated.
	Imported int
	// Overlaps is how many overlapping claims the imported assets flagged.
	Overlaps int
	// Refused are the rows refused, with what to fix: the unreadable ones first.
	Refused []orgcsv.RowError
}

// ImportOrgs creates (or with in.Update, updates) each organisation as Create and Update
// do, each row in its own transaction with its own audit entry, so that one bad row
// refuses only itself; an organisation's parent from the same import goes first. Then it
// links the rows' suppliers and records the import as org.import. Sector roles only.
func (s *Service) ImportOrgs(ctx context.Context, p vigil.Principal, in Import) (ImportResult, error) {
	res := ImportResult{Refused: append([]orgcsv.RowError(nil), in.Unreadable...)}
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return res, err
	}
	assets := false
	for _, r := range parentsFirst(in.Rows) {
		c, err := s.importRow(ctx, p, r.Org, in.Update)
		if err != nil {
			res.Refused = append(res.Refused, orgcsv.RowError{Line: r.Line, Msg: vigil.ErrorMessage(err)})
			continue
		}
		res.Imported++
		res.Overlaps += len(c.Overlaps)
		assets = assets || len(store.OrgAssets(c.Org)) > 0
	}
	res.Refused = append(res.Refused, s.linkSuppliers(ctx, in.Rows)...)
	if assets {
		s.changedAssets(ctx)
	}
	_, err := s.store.Audit(ctx, p.Email, "org.import", in.Source, map[string]any{"imported": res.Imported, "refused": len(res.Refused)})
	return res, err
}

// importRow creates one organisation or, when it exists and update is set, replaces its
// name, region, contacts and assets.
func (s *Service) importRow(ctx context.Context, p vigil.Principal, o vigil.Org, update bool) (Change, error) {
	c, err := s.create(ctx, p, o)
	if vigil.ErrorCode(err) != vigil.ECONFLICT || !update {
		return c, err
	}
	assets := store.OrgAssets(o)
	return s.update(ctx, p, o.ODSCode, vigil.OrgPatch{Name: &o.Name, Region: &o.Region, Contacts: &o.Contacts, Assets: &assets})
}

// parentsFirst orders rows so an organisation's parent from the same import is created
// first.
func parentsFirst(rows []orgcsv.Row) []orgcsv.Row {
	inFile := map[string]orgcsv.Row{}
	for _, r := range rows {
		inFile[r.Org.ODSCode] = r
	}
	var out []orgcsv.Row
	placed := map[string]bool{}
	var place func(r orgcsv.Row, depth int)
	place = func(r orgcsv.Row, depth int) {
		if placed[r.Org.ODSCode] {
			return
		}
		placed[r.Org.ODSCode] = true
		if p, ok := inFile[r.Org.Parent]; ok && depth < 32 {
			place(p, depth+1)
		}
		out = append(out, r)
	}
	for _, r := range rows {
		place(r, 0)
	}
	return out
}

// linkSuppliers links each row's suppliers to it, refusing the links that fail.
func (s *Service) linkSuppliers(ctx context.Context, rows []orgcsv.Row) []orgcsv.RowError {
	var bad []orgcsv.RowError
	for _, r := range rows {
		for _, sup := range r.Suppliers {
			if err := s.store.LinkSupplier(ctx, sup, r.Org.ODSCode); err != nil {
				bad = append(bad, orgcsv.RowError{Line: r.Line, Msg: "supplier " + sup + ": " + vigil.ErrorMessage(err)})
			}
		}
	}
	return bad
}
