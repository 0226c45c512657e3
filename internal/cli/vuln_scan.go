package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vex"
	"github.com/vigil-health/vigil/internal/vuln"
)

type vulnScanCmd struct {
	OSV        string   `name:"osv" required:"" type:"path" help:"OSV advisories: a directory of .json records, a .zip, or osv-scanner's offline cache directory."`
	KEV        string   `name:"kev" type:"path" help:"CISA known_exploited_vulnerabilities.json: marks known exploited findings and their due date."`
	EPSS       string   `name:"epss" type:"path" help:"FIRST EPSS daily CSV: adds the probability of exploitation."`
	Format     string   `name:"format" enum:"table,json,ndjson" default:"table" help:"table, json (one object) or ndjson (one finding per line)."`
	VEX        []string `name:"vex" sep:"none" placeholder:"FILE" help:"OpenVEX or CycloneDX VEX statements (repeat for more): not_affected with a justification suppresses a finding, fixed closes it; suppressed findings are listed apart with the reason."`
	Advisories string   `name:"advisories" placeholder:"FILE" help:"Sector advisories (JSON) for products outside package ecosystems, matched by vendor, product and version."`
	NoPolicy   bool     `name:"no-policy" help:"Do not report the built-in products of concern (products national guidance asks organisations to review, such as Kaspersky's)."`
	Inputs     []string `arg:"" name:"input" help:"Inventories, files or directories: CycloneDX or SPDX JSON, purl lists, osquery results, go.mod, requirements.txt, package-lock.json, pom.xml, uv.lock, or a vendor,product,version CSV."`

	read ReadInputs
}

// scanReport is the json format: everything the table shows.
type scanReport struct {
	Findings  []vuln.Finding       `json:"findings"`
	Upgrades  []vuln.Upgrade       `json:"upgrades"`
	Checked   int                  `json:"checked"`
	Unmatched []unmatchedComponent `json:"unmatched"`
	Problems  []inventoryProblem   `json:"problems"`
	// Suppressed are the findings VEX statements closed, with the reason.
	Suppressed []vex.Suppressed `json:"suppressed"`
	// VEXProblems are VEX statements that could not be used.
	VEXProblems []vexProblem `json:"vex_problems"`
	// Policy names the built-in policy applied ("products-of-concern 2026-12-06"), if any.
	Policy string `json:"policy,omitempty"`

	vexUnused int
}

type inventoryProblem struct {
	Input    string `json:"input"`
	Location string `json:"location,omitempty"`
	Reason   string `json:"reason"`
}

type unmatchedComponent struct {
	Input     string `json:"input"`
	Location  string `json:"location,omitempty"`
	Ecosystem string `json:"ecosystem,omitempty"`
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	Reason    string `json:"reason"`
}

func (c *vulnScanCmd) Run(e *env) error {
	if c.read == nil {
		c.read = defaultReadInputs()
	}
	comps, problems, err := c.read(c.Inputs)
	if err != nil {
		return vulnError(err)
	}
	kev, epss, err := loadExtras(c.KEV, c.EPSS)
	if err != nil {
		return err
	}
	advs, policy, err := c.sectorAdvisories()
	if err != nil {
		return err
	}
	stmts, vexProblems, err := c.vexStatements()
	if err != nil {
		return err
	}
	db, err := loadAdvisories(c.OSV, e.stderr)
	if err != nil {
		return err
	}
	res, applied, err := matchAll(db, comps, advs, kev, epss, stmts)
	if err != nil {
		return err
	}
	rep := newScanReport(res, problems)
	rep.Suppressed, rep.VEXProblems, rep.Policy, rep.vexUnused = applied.Suppressed, vexProblems, policy, len(applied.Unused)
	if rep.Suppressed == nil {
		rep.Suppressed = []vex.Suppressed{}
	}
	if rep.VEXProblems == nil {
		rep.VEXProblems = []vexProblem{}
	}
	if err := c.write(e, rep); err != nil {
		return vulnError(err)
	}
	if len(res.Findings) > 0 {
		return &exitError{code: ExitVulnFindings}
	}
	return nil
}

func newScanReport(res vuln.Result, problems []vigil.InventoryProblem) scanReport {
	rep := scanReport{Findings: res.Findings, Upgrades: vuln.Upgrades(res.Findings), Checked: res.Checked,
		Unmatched: []unmatchedComponent{}, Problems: []inventoryProblem{}}
	if rep.Findings == nil {
		rep.Findings = []vuln.Finding{}
	}
	for _, p := range problems {
		rep.Problems = append(rep.Problems, inventoryProblem{Input: p.Source, Location: p.Location, Reason: p.Reason})
	}
	for _, u := range res.Unmatched {
		name := u.Component.Name
		if name == "" {
			name = strings.TrimSpace(u.Component.Vendor + " " + u.Component.Product)
		}
		rep.Unmatched = append(rep.Unmatched, unmatchedComponent{Input: u.Component.Source, Location: u.Component.Location,
			Ecosystem: u.Component.Ecosystem, Name: name, Version: u.Component.Version, Reason: u.Reason})
	}
	return rep
}

func (c *vulnScanCmd) write(e *env, rep scanReport) error {
	switch c.Format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "ndjson":
		enc := json.NewEncoder(e.stdout)
		for _, f := range rep.Findings {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
		writeScanNotes(e.stderr, rep) // stdout stays one finding per line
		return nil
	}
	writeScanTable(e.stdout, rep)
	writeScanNotes(e.stdout, rep)
	return nil
}

func writeScanTable(w io.Writer, rep scanReport) {
	if len(rep.Findings) == 0 {
		fmt.Fprintf(w, "No known vulnerabilities in %d components checked.\n", rep.Checked)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tPACKAGE\tVERSION\tVULNERABILITY\tALIASES\tSEVERITY\tKEV\tEPSS\tFIXED IN")
	for _, f := range rep.Findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Input, f.Name, f.Version, f.ID,
			strings.Join(f.Aliases, ","), severityText(f.Severity), kevText(f), epssText(f.EPSS), strings.Join(f.Fixed, ","))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d findings in %d components checked.\n", len(rep.Findings), rep.Checked)
	for _, u := range rep.Upgrades {
		fmt.Fprintf(w, "  %s: %s\n", u.Input, u)
	}
}

// writeScanNotes lists what could not be checked, so nothing is dropped silently, and
// what VEX statements suppressed.
func writeScanNotes(w io.Writer, rep scanReport) {
	writeVEXNotes(w, rep)
	if len(rep.Unmatched) > 0 {
		fmt.Fprintf(w, "\n%d components not checked:\n", len(rep.Unmatched))
		for _, u := range rep.Unmatched {
			fmt.Fprintf(w, "  %s %s: %s %s: %s\n", u.Input, u.Location, u.Name, u.Version, u.Reason)
		}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "\n%d inventory lines not understood (the rest was read):\n", len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s %s: %s\n", p.Input, p.Location, p.Reason)
		}
	}
}

func severityText(s vuln.Severity) string {
	switch {
	case s.Vector != "":
		return fmt.Sprintf("%.1f %s", s.Score, s.Rating)
	case s.Rating != "":
		return s.Rating
	}
	return "-"
}

func kevText(f vuln.Finding) string {
	if !f.KEV {
		return "-"
	}
	if f.KEVDueDate != "" {
		return "due " + f.KEVDueDate
	}
	return "yes"
}

func epssText(e *vuln.EPSS) string {
	if e == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", e.Probability*100)
}
