package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventories"
)

type inventoryCmd struct {
	Upload inventoryUploadCmd `cmd:"" help:"Keep a software inventory for an organisation on the server, as the API's upload does (actor cli): CycloneDX or SPDX 2 JSON, a list of purls, osquery results, go.mod, requirements.txt, package-lock.json, pom.xml, uv.lock or a vendor,product,version[,supplier] CSV. Parts that cannot be read are listed with where they are and the rest is kept; a file nothing can be read from is refused (exit 2)."`
	List   inventoryListCmd   `cmd:"" help:"List the inventories an organisation keeps on the server."`
}

type inventoryUploadCmd struct {
	serverFlags
	Org    string `required:"" placeholder:"ODS" help:"The organisation the inventory describes."`
	Source string `placeholder:"NAME" help:"The name to keep it under (letters, digits, '.', '_', '-'); the file's name when absent. A later upload under the same name replaces it."`
	Merge  bool   `help:"Add the components to what the source holds instead of replacing them."`
	File   string `arg:"" type:"existingfile" help:"The inventory file."`
}

func (c *inventoryUploadCmd) Run(e *env) error {
	f, err := os.Open(c.File)
	if err != nil {
		return usageErrorf("%v", unwrapPathErr(err))
	}
	defer f.Close()
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	rep, err := a.Inventories.Upload(e.ctx, vigil.CommandLine, inventories.Upload{Org: c.Org, Source: c.Source, Merge: c.Merge,
		FileName: filepath.Base(c.File)}, f)
	if err != nil {
		return storeError(err)
	}
	verb := "replaced"
	if rep.Merged {
		verb = "merged into"
	}
	fmt.Fprintf(e.stdout, "%s: read as %s, %d component(s) (%d outside package ecosystems); %s inventory %q of %s, which now holds %d\n",
		c.File, rep.Format, rep.Components, rep.Unmatched, verb, rep.Source, rep.Org, rep.Stored)
	if len(rep.Problems) > 0 {
		fmt.Fprintf(e.stdout, "%d part(s) could not be read and were left out:\n", len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stdout, "  %s: %s\n", p.Location, p.Reason)
		}
	}
	return nil
}

type inventoryListCmd struct {
	serverFlags
	Org string `required:"" placeholder:"ODS" help:"The organisation."`
}

func (c *inventoryListCmd) Run(e *env) error {
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	invs, err := a.Inventories.List(e.ctx, vigil.CommandLine, c.Org)
	if err != nil {
		return storeError(err)
	}
	for _, inv := range invs {
		fmt.Fprintf(e.stdout, "%s\t%s\t%d component(s)\t%d problem(s)\tuploaded %s by %s\n", inv.Source, inv.Format,
			inv.Components, len(inv.Problems), inv.UploadedAt.Format("2006-01-02 15:04 UTC"), inv.UploadedBy)
	}
	if len(invs) == 0 {
		fmt.Fprintf(e.stdout, "%s keeps no inventories\n", c.Org)
	}
	return nil
}
