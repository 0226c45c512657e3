package cli

import (
	"encoding/json"

	"github.com/vigil-health/vigil"
)

type intelStatsCmd struct {
	intelFlags
	JSON  bool     `name:"json" help:"Print one JSON object (total, by_type, not_matchable, rejected, warninglisted, expired, ...)."`
	Paths []string `arg:"" name:"path" help:"Intel files or directories: STIX 2.1, MISP event or feed, CSV, plain lists; gzip and tar.gz too."`
}

func (c *intelStatsCmd) Run(e *env) error {
	rep, err := c.load(c.Paths, func(vigil.Indicator) {})
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.WriteText(e.stdout)
	return nil
}
