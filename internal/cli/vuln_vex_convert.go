package cli

import (
	"fmt"
	"os"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vex"
)

type vulnVEXCmd struct {
	Convert vulnVEXConvertCmd `cmd:"" help:"Write the statements of VEX files (OpenVEX or CycloneDX, told by content) as one OpenVEX or CycloneDX VEX document on standard output. Statements that cannot be used are named on stderr; the rest are written."`
}

type vulnVEXConvertCmd struct {
	To     string   `name:"to" enum:"openvex,cyclonedx" required:"" help:"openvex (v0.2.0) or cyclonedx (1.6)."`
	Author string   `name:"author" help:"Who stands behind the statements (OpenVEX author, CycloneDX manufacturer); default vigil."`
	Inputs []string `arg:"" name:"file" help:"VEX files to read."`
}

func (c *vulnVEXConvertCmd) Run(e *env) error {
	var stmts []vigil.VEXStatement
	for _, path := range c.Inputs {
		f, err := os.Open(path)
		if err != nil {
			return vulnError(err)
		}
		doc, err := vex.Read(path, f)
		f.Close()
		if err != nil {
			return vulnError(err)
		}
		for _, p := range doc.Problems {
			fmt.Fprintf(e.stderr, "vigil: %s: statement not used: %s\n", path, p)
		}
		stmts = append(stmts, doc.Statements...)
	}
	write := vex.WriteOpenVEX
	if c.To == "cyclonedx" {
		write = vex.WriteCycloneDX
	}
	if err := write(e.stdout, vex.Meta{Author: c.Author}, stmts); err != nil {
		return vulnError(err)
	}
	return nil
}
