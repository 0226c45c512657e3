package orgs

import (
	"context"
	"slices"

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

// importChunk is how many rows one transaction of an import commits: its organisations,
// assets and overlaps are written in a few multi-row statements (store.CreateOrgs), and
// the asset writers' lock is held for one chunk at a time, not for the whole file.
const importChunk = 1000

// ImportOrgs creates (or with in.Update, updates) each organisation as Create and Update
// do, each row with its own audit entry; rows are committed a chunk at a time, the new
// organisations of a chunk written together (store.CreateOrgs) and each refusal refusing
// only its own row; an organisation's parent from the same import goes first. Then it links the rows' suppliers and records
// the import as org.import. Sector roles only.
func (s *Service) ImportOrgs(ctx context.Context, p vigil.Principal, in Import) (ImportResult, error) {
	res := ImportResult{Refused: append([]orgcsv.RowError(nil), in.Unreadable...)}
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return res, err
	}
	assets := false
	for chunk := range slices.Chunk(parentsFirst(in.Rows), importChunk) {
		done, err := s.importChunk(ctx, p, chunk, in.Update)
		if err != nil {
			return res, err
		}
		for _, d := range done {
			if d.err != nil {
				res.Refused = append(res.Refused, orgcsv.RowError{Line: d.line, Msg: vigil.ErrorMessage(d.err)})
				continue
			}
			res.Imported++
			res.Overlaps += len(d.change.Overlaps)
			assets = assets || len(store.OrgAssets(d.change.Org)) > 0
		}
	}
	res.Refused = append(res.Refused, s.linkSuppliers(ctx, in.Rows)...)
	if assets {
		s.changedAssets(ctx)
	}
	_, err := s.store.Audit(ctx, p.Email, "org.import", in.Source, map[string]any{"imported": res.Imported, "refused": len(res.Refused)})
	return res, err
}

// imported is what became of one row.
type imported struct {
	line   int
	change Change
	err    error // why the row was refused
}

// importChunk imports rows in one transaction and says what became of each; it fails
// only when the transaction does. The new organisations are created together; a row
// whose code is registered (or taken earlier in the import) is, with update, updated
// on its own afterwards, in a savepoint.
func (s *Service) importChunk(ctx context.Context, p vigil.Principal, rows []orgcsv.Row, update bool) ([]imported, error) {
	var out []imported
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		out = make([]imported, len(rows)) // a transaction run again starts afresh
		if err := s.createChunk(ctx, tx, p, rows, out); err != nil {
			return err
		}
		if !update {
			return nil
		}
		for i, r := range rows {
			if vigil.ErrorCode(out[i].err) != vigil.ECONFLICT {
				continue
			}
			out[i].err = tx.Savepoint(ctx, func(sp *store.Store) error {
				var err error
				out[i].change, err = s.updateRow(ctx, sp, p, r.Org)
				return err
			})
			if store.Retryable(out[i].err) {
				return out[i].err
			}
		}
		return nil
	})
	return out, err
}

// createChunk creates the rows' organisations in tx, each with its org.create entry,
// and records in out what became of each.
func (s *Service) createChunk(ctx context.Context, tx *store.Store, p vigil.Principal, rows []orgcsv.Row, out []imported) error {
	var orgs []vigil.Org
	var at []int
	for i, r := range rows {
		out[i].line = r.Line
		if out[i].err = s.checkOwnable(store.OrgAssets(r.Org)); out[i].err == nil {
			orgs = append(orgs, r.Org)
			at = append(at, i)
		}
	}
	created, err := tx.CreateOrgs(ctx, orgs, store.Claimant{By: p.Email})
	if err != nil {
		return err
	}
	var recs []store.AuditRecord
	for j, c := range created {
		i := at[j]
		if out[i].err = c.Err; c.Err == nil {
			out[i].change = Change{Org: c.Org, Overlaps: c.Overlaps}
			recs = append(recs, createdAudit(p, out[i].change))
		}
	}
	return tx.AuditAll(ctx, recs)
}

// updateRow replaces a registered organisation's name, region, contacts and assets with
// the row's, in st's transaction.
func (s *Service) updateRow(ctx context.Context, st *store.Store, p vigil.Principal, o vigil.Org) (Change, error) {
	assets := store.OrgAssets(o)
	return s.updateIn(ctx, st, p, o.ODSCode, vigil.OrgPatch{Name: &o.Name, Region: &o.Region, Contacts: &o.Contacts, Assets: &assets})
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
