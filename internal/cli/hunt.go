package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"github.com/vigil-health/vigil/internal/hunt"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/telemetry"
)

type huntCmd struct {
	intelFlags
	IOCs           []string `name:"iocs" required:"" placeholder:"PATH" help:"Intel file or directory (any supported format, detected by content); repeat for more."`
	Format         string   `default:"auto" placeholder:"FMT" help:"Telemetry format: auto (per line), ecs, sysmon, zeek, suricata, osquery, generic."`
	FailOnSighting bool     `help:"Exit with status 3 when there is at least one sighting."`
	Workers        int      `placeholder:"N" help:"Scanning goroutines (default: one per core)."`
	IntelWorkers   int      `name:"intel-workers" default:"1" placeholder:"N" help:"Intel files parsed at once, with the same result as one at a time. It pays with many intel files of similar size and idle cores; with one large file, or busy cores, it is slower (each file's indicators are held until its turn), hence 1 by default."`
	Quiet          bool     `short:"q" help:"No summary or progress on stderr."`
	Summary        bool     `help:"Instead of one NDJSON line per sighting, print one line per indicator sighted: grade, sightings, sources, first and last file and line, earliest and latest event time (strong first, most sighted first)."`
	WeakLimit      int      `name:"weak-limit" default:"20" placeholder:"N" help:"List at most N sightings of each weak indicator (a file name alone, one the lists call suspicious, one low-confidence source, the hash of empty content); the rest are counted in the summary (default: ${default}). -1 lists them all."`
	Logs           []string `arg:"" name:"log" help:"Telemetry files or directories (NDJSON, plain or .gz); - reads standard input. In a directory only telemetry files are read (.json, .ndjson, .jsonl, .log, .gz); the summary counts the others skipped."`
}

func (c *huntCmd) Run(e *env) error {
	format, err := telemetry.ParseFormat(c.Format)
	if err != nil {
		return usageErrorf("--format: %v", err)
	}
	inputs, total, skipped, err := logInputs(c.Logs, e)
	if err != nil {
		return err
	}
	snap, err := c.loadSnapshot(e)
	if err != nil {
		return err
	}
	if c.WeakLimit == 0 || c.WeakLimit < -1 {
		return usageErrorf("--weak-limit %d: give 1 or more, or -1 to list every sighting (--summary lists none line by line)", c.WeakLimit)
	}
	opts := hunt.Options{Format: format, Workers: c.Workers, WeakLimit: c.WeakLimit}
	out := e.stdout
	if c.Summary {
		out = io.Discard
	}
	var progress *mpb.Progress
	if !c.Quiet && isTerminal(e.stderr) && total > 0 {
		progress, opts.Progress = progressBar(e, total)
	}
	st, err := hunt.Run(e.ctx, snap, inputs, out, opts)
	if progress != nil {
		progress.Shutdown()
	}
	if err != nil {
		return fmt.Errorf("writing sightings: %w", err)
	}
	if c.Summary {
		st.WriteSummary(e.stdout)
		st.Withheld = 0 // the summary just printed counts every sighting: none is held back from it
	}
	if !c.Quiet {
		st.WriteText(e.stderr)
		skipped.writeText(e.stderr)
	}
	switch {
	case st.Failed > 0:
		return &exitError{code: ExitUsage, err: fmt.Errorf("%d input(s) could not be read to the end (see problems above)", st.Failed)}
	case c.FailOnSighting && st.Sightings > 0:
		return &exitError{code: ExitSightings, err: fmt.Errorf("%d sightings", st.Sightings)}
	}
	return nil
}

// loadSnapshot imports the intel and compiles the matcher, reporting both on stderr.
func (c *huntCmd) loadSnapshot(e *env) (*match.Snapshot, error) {
	start := time.Now()
	b := match.NewBuilder()
	rep, err := c.loadParallel(c.IOCs, c.IntelWorkers, b.Add)
	if err != nil {
		return nil, err
	}
	loaded := time.Since(start)
	snap := b.Build()
	if !c.Quiet {
		fmt.Fprintf(e.stderr, "intel: %d indicators from %d file(s) (%d distinct), %d rejected, %d not matchable, %d warninglisted, %d expired; loaded in %.2fs, compiled in %.2fs\n",
			rep.Total, rep.Files, snap.Len(), rep.Rejected, rep.NotMatchable, rep.Warninglisted, rep.Expired,
			loaded.Seconds(), time.Since(start.Add(loaded)).Seconds())
		if rep.Internal > 0 {
			fmt.Fprintf(e.stderr, "intel: %d of the not matchable are internal addresses or networks (private, loopback, link-local...), never threat indicators; hunt with --keep-internal to match them on purpose, 'vigil intel stats' lists them\n", rep.Internal)
		}
		if rep.Failed > 0 {
			fmt.Fprintf(e.stderr, "intel: %d input(s) could not be read to the end; run 'vigil intel stats' on them for details\n", rep.Failed)
		}
	}
	if snap.Len() == 0 {
		return nil, usageErrorf("no matchable indicators in %v (run 'vigil intel stats' to see why)", c.IOCs)
	}
	return snap, nil
}

// telemetryExts are the file name endings read when a directory is walked; files named
// on the command line are read whatever their name.
var telemetryExts = []string{".json", ".ndjson", ".jsonl", ".log", ".gz"}

// skippedFiles are the files a directory walk left out because they are not telemetry,
// and the files read as telemetry that look like intel.
type skippedFiles struct {
	count    int
	examples []string
	intel    []string
}

func (s *skippedFiles) add(path string) {
	s.count++
	if len(s.examples) < 3 {
		s.examples = append(s.examples, path)
	}
}

func (s *skippedFiles) writeText(w io.Writer) {
	for _, f := range s.intel {
		fmt.Fprintf(w, "%s looks like intel, not telemetry: it was hunted as telemetry; give each intel file with its own --iocs\n", f)
	}
	if s.count == 0 {
		return
	}
	more := ""
	if s.count > len(s.examples) {
		more = ", ..."
	}
	fmt.Fprintf(w, "skipped %d file(s) in directories that are not telemetry (%s): %s%s; name a file to read it anyway\n",
		s.count, strings.Join(telemetryExts, " "), strings.Join(s.examples, ", "), more)
}

// isTelemetryFile reports whether a walk reads the file: a README or a licence beside
// the logs is not telemetry, and reading it only adds unparseable lines.
func isTelemetryFile(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc(telemetryExts, func(ext string) bool { return strings.HasSuffix(name, ext) })
}

// logInputs expands directories into their telemetry files and checks every log can be
// opened before the hunt starts.
func logInputs(paths []string, e *env) ([]hunt.Input, int64, *skippedFiles, error) {
	var (
		inputs  []hunt.Input
		total   int64
		skipped = &skippedFiles{}
	)
	for _, p := range paths {
		if p == "-" {
			inputs = append(inputs, hunt.FileInput(p, e.stdin))
			continue
		}
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if path != p && !isTelemetryFile(d.Name()) {
				skipped.add(path)
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
			inputs = append(inputs, hunt.FileInput(path, e.stdin))
			if what := intelLike(path); what != "" {
				skipped.intel = append(skipped.intel, path+" ("+what+")")
			}
			return nil
		})
		if err != nil {
			return nil, 0, nil, usageErrorf("cannot read log %s: %v", p, unwrapPathErr(err))
		}
	}
	return inputs, total, skipped, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func progressBar(e *env, total int64) (*mpb.Progress, func(int64)) {
	p := mpb.New(mpb.WithOutput(e.stderr), mpb.WithWidth(50))
	bar := p.AddBar(total,
		mpb.PrependDecorators(decor.Name("hunting "), decor.CountersKiloByte("% .1f / % .1f")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" "), decor.AverageSpeed(decor.SizeB1000(0), "% .1f")),
	)
	return p, func(n int64) { bar.SetCurrent(n) }
}

// intelLike says what intel a telemetry file looks like to the intel package ("a STIX
// bundle", "a MISP event"), or "". A second path after one --iocs is a log to the flag
// parser, so an intel file hunted as telemetry is most likely a mistake.
func intelLike(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	switch intel.UnmistakableFormat(f) {
	case intel.FormatSTIX:
		return "a STIX bundle"
	case intel.FormatMISP:
		return "a MISP event"
	}
	return ""
}
