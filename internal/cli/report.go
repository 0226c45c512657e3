package cli

import (
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reports"
)

type reportCmd struct {
	serverFlags
	From   string `placeholder:"DATE" help:"First UTC day of the period, YYYY-MM-DD (default: 29 days before --to)."`
	To     string `placeholder:"DATE" help:"Last UTC day of the period, included, YYYY-MM-DD (default: today). The period is at most 366 days."`
	Format string `default:"md" enum:"html,json,md" help:"Output: html (a page that stands alone, with charts), json (each suppressed count marked) or md (Markdown). Default md."`
}

func (c *reportCmd) Run(e *env) error {
	first, err := parseDay("--from", c.From)
	if err != nil {
		return err
	}
	last, err := parseDay("--to", c.To)
	if err != nil {
		return err
	}
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	r, err := a.Reports.Sector(e.ctx, vigil.CommandLine, first, last)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		return usageErrorf("%s", vigil.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return reports.Write(e.stdout, r, c.Format)
}

// parseDay reads a YYYY-MM-DD flag; empty is the zero time (the default).
func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageErrorf("%s %q: give a day as YYYY-MM-DD, e.g. 2026-11-30", flag, s)
	}
	return d, nil
}
