package cli

import (
	"fmt"
	"os"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgcsv"
	"github.com/vigil-health/vigil/internal/orgs"
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
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := a.Orgs.ImportOrgs(e.ctx, vigil.CommandLine, orgs.Import{Source: c.File, Rows: rows, Unreadable: bad, Update: c.Update})
	fmt.Fprintf(e.stdout, "imported %d organisation(s) from %s; %d row(s) refused; %d overlapping IP claim(s) flagged for an analyst\n",
		res.Imported, c.File, len(res.Refused), res.Overlaps)
	for _, b := range res.Refused {
		fmt.Fprintf(e.stdout, "  %s\n", b)
	}
	if err != nil {
		return err
	}
	if len(res.Refused) > 0 {
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d row(s) of %s were refused (listed above)", len(res.Refused), c.File)}
	}
	return nil
}
