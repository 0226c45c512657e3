package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/vigil-health/vigil/internal/vuln"
)

// Exit statuses of `vigil vuln`, osv-scanner's convention.
const (
	ExitVulnClean    = 0 // no findings
	ExitVulnFindings = 1 // findings
	ExitVulnError    = 2 // unreadable advisories or input
)

type vulnCmd struct {
	Scan vulnScanCmd `cmd:"" help:"Match inventories against OSV advisories (packages) and sector advisories (products outside package ecosystems), offline; apply VEX statements; report the built-in products of concern. Exit 0 no open findings, 1 findings, 2 error."`
	DB   vulnDBCmd   `cmd:"" name:"db" help:"Inspect an advisory database."`
	VEX  vulnVEXCmd  `cmd:"" name:"vex" help:"Convert VEX statements between OpenVEX and CycloneDX."`
}

type vulnDBCmd struct {
	Stats vulnDBStatsCmd `cmd:"" help:"Print advisories per ecosystem and how long loading took."`
}

// vulnError makes any failure of a vuln command exit 2.
func vulnError(err error) error {
	return &exitError{code: ExitVulnError, err: err}
}

// loadAdvisories loads the OSV database and reports unreadable records on stderr: they
// are skipped, the rest is used.
func loadAdvisories(path string, stderr io.Writer) (*vuln.DB, error) {
	db, problems, err := vuln.Load(path)
	if err != nil {
		return nil, vulnError(err)
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "vigil: advisory skipped: %s\n", p)
	}
	return db, nil
}

// loadExtras reads the optional KEV catalogue and EPSS file.
func loadExtras(kevPath, epssPath string) (vuln.KEV, vuln.EPSSScores, error) {
	var kev vuln.KEV
	var epss vuln.EPSSScores
	if kevPath != "" {
		if err := withFile(kevPath, func(r io.Reader) (err error) { kev, err = vuln.ParseKEV(r); return err }); err != nil {
			return nil, nil, vulnError(err)
		}
	}
	if epssPath != "" {
		if err := withFile(epssPath, func(r io.Reader) (err error) { epss, err = vuln.ParseEPSS(r); return err }); err != nil {
			return nil, nil, vulnError(err)
		}
	}
	return kev, epss, nil
}

func withFile(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
