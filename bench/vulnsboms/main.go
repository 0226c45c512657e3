// Command vulnsboms makes the inputs of bench/vuln.sh and scores its outputs.
//
//	vulnsboms gen -osv DIR -n 1000 -out DIR       write N CycloneDX SBOMs and the same
//	                                             components as purl lists
//	vulnsboms compare -vigil F.ndjson -osv-scanner F.json
//	                                             agreement of the two tools' findings
//
// Components are real package names with real versions taken from the OSV records
// (versions lists and range events), so a good share of them are affected.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: vulnsboms gen|compare [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnsboms:", err)
		os.Exit(2)
	}
}

func newFlags(name string) *flag.FlagSet { return flag.NewFlagSet(name, flag.ExitOnError) }
