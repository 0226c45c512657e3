package cli

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/vuln"
)

type advisoryCmd struct {
	Add  advisoryAddCmd  `cmd:"" help:"Write the sector advisories of FILE (JSON, one or a list; see docs/vulnerabilities.md) into the server's store, replacing those with the same ID, and check the organisations whose inventories name each vendor. Acts as 'cli' in the audit log."`
	List advisoryListCmd `cmd:"" help:"List the sector advisories in the server's store."`
}

type advisoryAddCmd struct {
	serverFlags
	File string `arg:"" type:"existingfile" help:"The advisories file."`
}

func (c *advisoryAddCmd) Run(e *env) error {
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	advs, err := vuln.ParseSectorAdvisories(f)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	svc, closeStore, err := c.exposure(e)
	if err != nil {
		return err
	}
	defer closeStore()
	for _, a := range advs {
		out, err := svc.SaveSectorAdvisory(e.ctx, vigil.CommandLine, a, true)
		if vigil.ErrorCode(err) == vigil.ECONFLICT {
			out, err = svc.SaveSectorAdvisory(e.ctx, vigil.CommandLine, a, false)
		}
		if err != nil {
			return fmt.Errorf("%s: advisory %s: %w", c.File, a.ID, storeError(err))
		}
		fmt.Fprintf(e.stdout, "%s saved; %d organisations checked\n", a.ID, out.OrgsChecked)
	}
	return nil
}

type advisoryListCmd struct {
	serverFlags
	Withdrawn bool `help:"Include withdrawn advisories."`
}

func (c *advisoryListCmd) Run(e *env) error {
	svc, closeStore, err := c.exposure(e)
	if err != nil {
		return err
	}
	defer closeStore()
	list, err := svc.ListSectorAdvisories(e.ctx, vigil.CommandLine, c.Withdrawn)
	if err != nil {
		return storeError(err)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tVENDOR\tPRODUCT\tSEVERITY\tUPDATED\tWITHDRAWN")
	for _, a := range list {
		withdrawn := ""
		if !a.WithdrawnAt.IsZero() {
			withdrawn = a.WithdrawnAt.Format("2006-01-02")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Vendor, a.Product, a.Severity, a.UpdatedAt.Format("2006-01-02 15:04"), withdrawn)
	}
	return w.Flush()
}

// exposure opens the store and the exposure use cases, with the matcher loaded.
func (f *serverFlags) exposure(e *env) (*exposure.Service, func() error, error) {
	log := quietLogger(e)
	_, s, err := f.open(e.ctx, log)
	if err != nil {
		return nil, nil, err
	}
	al := alerts.New(alerts.Deps{Store: s, Logger: log})
	svc := exposure.New(exposure.Deps{Store: s, Alerts: al, Logger: log})
	if err := svc.Rebuild(e.ctx); err != nil {
		s.Close()
		return nil, nil, err
	}
	return svc, s.Close, nil
}
