package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"
)

type vulnDBStatsCmd struct {
	OSV  string `name:"osv" required:"" type:"path" help:"OSV advisories: a directory of .json records, a .zip, or osv-scanner's offline cache directory."`
	JSON bool   `name:"json" help:"Print one JSON object."`
}

func (c *vulnDBStatsCmd) Run(e *env) error {
	db, err := loadAdvisories(c.OSV, e.stderr)
	if err != nil {
		return err
	}
	st := db.Stats()
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ECOSYSTEM\tADVISORIES")
	for _, eco := range db.Ecosystems() {
		fmt.Fprintf(w, "%s\t%d\n", eco, st.ByEcosystem[eco])
	}
	fmt.Fprintf(w, "total\t%d\n", st.Advisories)
	w.Flush()
	fmt.Fprintf(e.stdout, "withdrawn (skipped): %d; duplicate IDs (older dropped): %d; GIT ranges ignored: %d; ranges with unreadable versions: %d\n",
		st.Withdrawn, st.Duplicates, st.GitRangesIgnored, st.UnorderedRanges)
	fmt.Fprintf(e.stdout, "loaded in %s\n", st.LoadTime.Round(time.Millisecond))
	return nil
}
