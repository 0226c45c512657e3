package cli

import (
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
)

// intelFlags are the import settings shared by every command that reads intel.
type intelFlags struct {
	Warninglists   string `name:"warninglists" default:"builtin" placeholder:"LISTS" help:"Warninglists of values known to be benign: builtin (vigil's curated set: public resolvers, hashes of empty content, Windows' own file names, top sites' domains as exact values, dropped; shared CDN and cloud ranges, flagged), none, or directories of MISP warninglists (*/list.json), comma-separated. Dropped values are kept out of matching and counted; flagged ones match as weak."`
	Source         string `placeholder:"NAME" help:"Source name for the indicators, shown as their sources beside who published them inside the data (default: the file name without its extension; files of one name in different folders take as much of their paths as tells them apart, a/feed and b/feed)."`
	TLP            string `name:"tlp" placeholder:"MARKING" help:"TLP for unmarked indicators: CLEAR, GREEN, AMBER, AMBER+STRICT or RED."`
	Grade          string `placeholder:"A1" help:"Admiralty grade of the source (reliability A-F, credibility 1-6), e.g. B2."`
	IncludeExpired bool   `help:"Match indicators whose valid_until has passed."`
	IncludeNonIDS  bool   `name:"include-non-ids" help:"Match MISP attributes marked to_ids=false."`
	KeepInternal   bool   `name:"keep-internal" help:"Match addresses and networks in or covering internal special-purpose ranges (private 10/8, 172.16/12, 192.168/16, loopback, link-local, CGNAT, multicast, IPv6 unique local...), to hunt for your own internal addresses on purpose. Without it they are not matchable: a block list that carries 10.0.0.0/8 would flag every internal connection."`
	CSVValue       string `name:"csv-value-column" placeholder:"COL" help:"CSV column holding the value (1-based number or header name); auto-detected when absent."`
	CSVType        string `name:"csv-type-column" placeholder:"COL" help:"CSV column holding the type; detected from the value when absent."`
}

// options validates the flags and turns them into importer options.
func (f *intelFlags) options() (intel.Options, error) {
	o := intel.Options{
		Source: f.Source, Now: time.Now(), IncludeExpired: f.IncludeExpired, IncludeNonIDS: f.IncludeNonIDS,
		KeepInternal: f.KeepInternal,
		CSV:          intel.CSVOptions{ValueColumn: f.CSVValue, TypeColumn: f.CSVType},
	}
	if f.TLP != "" {
		t, ok := vigil.ParseTLP(f.TLP)
		if !ok {
			return o, usageErrorf("--tlp %q is not a TLP marking: use CLEAR, GREEN, AMBER, AMBER+STRICT or RED", f.TLP)
		}
		o.TLP = t
	}
	if f.Grade != "" {
		r, c, ok := vigil.ParseAdmiralty(f.Grade)
		if !ok {
			return o, usageErrorf("--grade %q is not an Admiralty grade: a letter A-F and/or a digit 1-6, e.g. B2", f.Grade)
		}
		o.Reliability, o.Credibility = r, c
	}
	wl, err := intel.LoadWarninglistSetting(f.Warninglists)
	if err != nil {
		return o, usageErrorf("--warninglists: %v", err)
	}
	o.Warninglists = wl
	return o, nil
}

// load reads every intel path, passing indicators to emit.
func (f *intelFlags) load(paths []string, emit func(vigil.Indicator)) (*intel.Report, error) {
	return f.loadParallel(paths, 1, emit)
}

// loadParallel is load with up to workers intel files parsed at once; emit still sees
// the indicators in load's order, from the calling goroutine.
func (f *intelFlags) loadParallel(paths []string, workers int, emit func(vigil.Indicator)) (*intel.Report, error) {
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	rep, err := intel.LoadParallel(paths, opts, workers, emit)
	if err != nil {
		return rep, &exitError{code: ExitUsage, err: fmt.Errorf("intel: %w", err)}
	}
	return rep, nil
}
