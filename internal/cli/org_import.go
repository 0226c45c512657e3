package cli

import (
	"fmt"
	"os"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgcsv"
	"github.com/vigil-health/vigil/internal/store"
)

type orgCmd struct {
	Import orgImportCmd `cmd:"" help:"Bulk-load organisations and their assets from a CSV file (header: ods_code,name,kind,region,parent,ip_ranges,domains,hostnames,contact_name,contact_role,contact_email,contact_phone,suppliers). Bad rows are listed with their line numbers; the rest are imported, and the exit status is 2 when any row was refused. A running server routes to the new assets within 5 minutes."`
}

type orgImportCmd struct {
	serverFlags
	Update bool   `help:"Update organisations that already exist instead of refusing them."`
	File   string `arg:"" type:"existingfile" help:"The CSV file."`
}

func (c *orgImportCmd) Run(e *env) error {
	f, err := os.Open(c.File)
	if err != nil {
		return usageErrorf("%v", unwrapPathErr(err))
	}
	defer f.Close()
	rows, bad, err := orgcsv.Read(f)
	if err != nil {
		return usageErrorf("%s: %v", c.File, err)
	}
	_, s, err := c.open(e.ctx, quietLogger(e))
	if err != nil {
		return err
	}
	defer s.Close()
	done, overlaps := 0, 0
	for _, r := range parentsFirst(rows) {
		n, err := c.importRow(e, s, r)
		if err != nil {
			bad = append(bad, orgcsv.RowError{Line: r.Line, Msg: vigil.ErrorMessage(err)})
			continue
		}
		done++
		overlaps += n
	}
	bad = append(bad, linkSuppliers(e, s, rows)...)
	fmt.Fprintf(e.stdout, "imported %d organisation(s) from %s; %d row(s) refused; %d overlapping IP claim(s) flagged for an analyst\n", done, c.File, len(bad), overlaps)
	for _, b := range bad {
		fmt.Fprintf(e.stdout, "  %s\n", b)
	}
	s.Audit(e.ctx, "cli", "org.import", c.File, map[string]any{"imported": done, "refused": len(bad)})
	if len(bad) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d row(s) of %s were refused (listed above)", len(bad), c.File)}
	}
	return nil
}

// importRow creates (or with --update, updates) one organisation and returns how many
// overlapping IP claims were flagged.
func (c *orgImportCmd) importRow(e *env, s *store.Store, r orgcsv.Row) (int, error) {
	_, ov, err := s.CreateOrg(e.ctx, r.Org)
	if vigil.ErrorCode(err) == vigil.ECONFLICT && c.Update {
		o := r.Org
		_, ov, err = s.UpdateOrg(e.ctx, o.ODSCode, vigil.OrgPatch{
			Name: &o.Name, Region: &o.Region, Contacts: &o.Contacts, Assets: ptr(store.OrgAssets(o)),
		})
	}
	return len(ov), err
}

func ptr[T any](v T) *T { return &v }

// parentsFirst orders rows so an organisation's parent from the same file is created first.
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

func linkSuppliers(e *env, s *store.Store, rows []orgcsv.Row) []orgcsv.RowError {
	var bad []orgcsv.RowError
	for _, r := range rows {
		for _, sup := range r.Suppliers {
			if err := s.LinkSupplier(e.ctx, sup, r.Org.ODSCode); err != nil {
				bad = append(bad, orgcsv.RowError{Line: r.Line, Msg: "supplier " + sup + ": " + vigil.ErrorMessage(err)})
			}
		}
	}
	return bad
}
