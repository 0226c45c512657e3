package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vex"
	"github.com/vigil-health/vigil/internal/vuln"
)

// vexProblem is a VEX statement that could not be used, in the json report.
type vexProblem struct {
	Input    string `json:"input"`
	Location string `json:"location"`
	Line     int    `json:"line"`
	Reason   string `json:"reason"`
}

// sectorAdvisories reads the --advisories file and adds the built-in products-of-concern
// policy unless --no-policy; policy names the policy applied, for the report.
func (c *vulnScanCmd) sectorAdvisories() (advs []vigil.SectorAdvisory, policy string, err error) {
	if c.Advisories != "" {
		err = withFile(c.Advisories, func(r io.Reader) (err error) { advs, err = vuln.ParseSectorAdvisories(r); return err })
		if err != nil {
			return nil, "", vulnError(err)
		}
	}
	if !c.NoPolicy {
		p := vuln.ProductsOfConcern()
		advs = append(advs, p.Advisories...)
		policy = p.Name + " " + p.Version
	}
	return advs, policy, nil
}

// vexStatements reads every --vex file; statements that cannot be used are problems
// (the rest of the file is used), a file that cannot be read at all is an error.
func (c *vulnScanCmd) vexStatements() ([]vigil.VEXStatement, []vexProblem, error) {
	var stmts []vigil.VEXStatement
	var problems []vexProblem
	for _, path := range c.VEX {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, vulnError(err)
		}
		doc, err := vex.Read(path, f)
		f.Close()
		if err != nil {
			return nil, nil, vulnError(err)
		}
		stmts = append(stmts, doc.Statements...)
		for _, p := range doc.Problems {
			problems = append(problems, vexProblem{Input: path, Location: p.Location, Line: p.Line, Reason: p.Reason})
		}
	}
	return stmts, problems, nil
}

// matchAll runs both matchers and applies the VEX statements: OSV for packages, the sector
// advisories for products outside package ecosystems.
func matchAll(db *vuln.DB, comps []vigil.Component, advs []vigil.SectorAdvisory, kev vuln.KEV, epss vuln.EPSSScores, stmts []vigil.VEXStatement) (vuln.Result, vex.Outcome, error) {
	sector, err := vuln.MatchSector(comps, advs)
	if err != nil {
		return vuln.Result{}, vex.Outcome{}, vulnError(err)
	}
	res := vuln.MergeResults(db.Match(comps), sector)
	vuln.Enrich(res.Findings, kev, epss)
	out := vex.Apply(res.Findings, stmts)
	res.Findings = out.Open
	return res, out, nil
}

// writeVEXNotes lists the suppressed findings with their reasons, the statements that
// could not be used, and the products of concern.
func writeVEXNotes(w io.Writer, rep scanReport) {
	if len(rep.Suppressed) > 0 {
		fmt.Fprintf(w, "\n%d findings suppressed by VEX statements:\n", len(rep.Suppressed))
		for _, s := range rep.Suppressed {
			fmt.Fprintf(w, "  %s %s %s %s: %s\n", s.Input, s.Name, s.Version, s.ID, s.Reason)
		}
	}
	if rep.vexUnused > 0 {
		fmt.Fprintf(w, "\n%d VEX statements matched no finding (another product, version or vulnerability).\n", rep.vexUnused)
	}
	if len(rep.VEXProblems) > 0 {
		fmt.Fprintf(w, "\n%d VEX statements not used (the rest were):\n", len(rep.VEXProblems))
		for _, p := range rep.VEXProblems {
			fmt.Fprintf(w, "  %s %s (line %d): %s\n", p.Input, p.Location, p.Line, p.Reason)
		}
	}
	writeConcerns(w, rep)
}

// writeConcerns repeats the products of concern with what to do, since they are not
// vulnerabilities and the table's columns say little about them.
func writeConcerns(w io.Writer, rep scanReport) {
	var concerns []vuln.Finding
	for _, f := range rep.Findings {
		if f.Kind == "policy" {
			concerns = append(concerns, f)
		}
	}
	if len(concerns) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d products of concern (policy %s):\n", len(concerns), rep.Policy)
	for _, f := range concerns {
		fmt.Fprintf(w, "  %s %s: %s %s %s\n", f.Input, f.Location, f.Vendor, f.Name, f.Version)
	}
	fmt.Fprintf(w, "  %s\n", concerns[0].Summary)
	for i, step := range concerns[0].Steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, step)
	}
}
