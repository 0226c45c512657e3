package intel

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// Options are the settings every importer shares. The zero value imports with no default
// source name, no default TLP, validity judged against the current time, and only
// indicators meant for detection.
type Options struct {
	// Source names the source of every indicator, the feed or file they came by; empty
	// means the input's file name. Who published them inside the data is Publisher.
	Source string
	// TLP marks indicators whose input carries no marking.
	TLP vigil.TLP
	// Reliability and Credibility are the default Admiralty grade of the source.
	Reliability byte
	Credibility uint8
	// Now is the time validity is judged against; zero means time.Now().
	Now time.Time
	// IncludeExpired keeps indicators whose valid_until has passed.
	IncludeExpired bool
	// IncludeNonIDS keeps MISP attributes marked to_ids=false.
	IncludeNonIDS bool
	// KeepInternal keeps addresses and networks inside or covering internal special-purpose
	// ranges (private, loopback, link-local...) matchable, for an analyst hunting for an
	// organisation's own internal addresses on purpose; by default they are not matchable.
	KeepInternal bool
	// Warninglists excludes known-benign values from matching; nil means none.
	Warninglists *Warninglists
	// CSV picks columns in CSV inputs; zero values mean auto-detect.
	CSV CSVOptions
	// MaxExamples caps the problems kept per kind in the report (default 10).
	MaxExamples int
}

// CSVOptions pick the columns of a CSV input. A column is a 1-based number or a header name.
type CSVOptions struct {
	// ValueColumn holds the indicator value.
	ValueColumn string
	// TypeColumn holds the indicator type; empty means detect the type from the value.
	TypeColumn string
}

// Location says where in an input an indicator or a problem was found.
type Location struct {
	// File is the input's path (inside an archive: archive!member).
	File string `json:"file,omitempty"`
	// Line is the 1-based line number, 0 when the format has no useful lines.
	Line int `json:"line,omitempty"`
	// Ref is the object inside the input: a STIX id, a MISP attribute UUID.
	Ref string `json:"ref,omitempty"`
}

// Sink receives what a parser finds. It normalises and validates each indicator, drops
// expired and warninglisted ones, counts everything in the Report and hands the rest on.
// A Sink is not safe for concurrent use.
type Sink struct {
	opts   Options
	now    time.Time
	rep    *Report
	emit   func(vigil.Indicator)
	source string // per-input default source (file name) when Options.Source is empty
	// inputName is the name Load gave the input being read (nameInputs), "" outside Load.
	inputName string
	// category is the label the input's folder gives every indicator in it (maltrail's
	// malware/, malicious/ and suspicious/), when it has one.
	category string
}

// NewSink returns a Sink that counts into rep and passes each accepted indicator to emit.
func NewSink(opts Options, rep *Report, emit func(vigil.Indicator)) *Sink {
	if opts.MaxExamples <= 0 {
		opts.MaxExamples = 10
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	rep.init()
	return &Sink{opts: opts, now: now, rep: rep, emit: emit}
}

// Options returns the import options, for parsers that need IncludeNonIDS or CSV settings.
func (s *Sink) Options() *Options { return &s.opts }

// SetDefaultSource sets the source name used when neither the input nor Options name one
// (the loader sets it to the file's base name).
func (s *Sink) SetDefaultSource(name string) {
	s.source = name
	s.category = folderCategory(name)
}

// setInput names the input at path (a file path, or archive!member) as the default source
// and labels its entries with the category of the folder it sits in. The source is the
// base name, so the folder must be read from the whole path, not from the source.
func (s *Sink) setInput(path string) {
	s.source = sourceName(path)
	if s.inputName != "" && !strings.ContainsRune(path, '!') {
		s.source = s.inputName // a file Load named among the others; an archive's members name themselves
	}
	s.category = folderCategory(path)
}

// folderCategories are the folder names lists use to say what their entries are: each
// becomes a label of the entries of the files under it (maltrail sorts its trails into
// malware/, malicious/ and suspicious/), so a person can tell what is only suspicious.
var folderCategories = []string{"malware", "malicious", "suspicious"}

// folderCategory is the category named by the innermost folder of path (a file path, or
// archive!member) that is one, or "".
func folderCategory(path string) string {
	dirs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '\\' || r == '!' })
	for i := len(dirs) - 2; i >= 0; i-- { // the last element is the file
		if c := strings.ToLower(dirs[i]); slices.Contains(folderCategories, c) {
			return c
		}
	}
	return ""
}

// Add normalises raw as type t and records it with provenance p. An empty t means the
// type is detected from the value (plain lists). Problems are counted, never returned.
func (s *Sink) Add(loc Location, t vigil.IndicatorType, raw string, p vigil.Provenance) {
	var (
		typ vigil.IndicatorType
		val string
		err error
	)
	if t == "" {
		typ, val, err = ioc.Detect(raw)
	} else {
		typ, val, err = ioc.Normalize(t, raw)
	}
	if err != nil {
		s.Reject(loc, raw, err.Error())
		return
	}
	s.fillDefaults(&p)
	if !s.opts.IncludeExpired && p.Expired(s.now) {
		s.rep.Expired++
		return
	}
	if reason := s.internal(typ, val); reason != "" {
		s.rep.Internal++
		s.rep.NotMatchable++
		s.rep.exampleIn("internal", ProblemNotMatchable, loc, val, reason, s.opts.MaxExamples)
		return
	}
	ind := vigil.Indicator{Type: typ, Value: val, Provenance: p}
	if name, flag, ok := s.opts.Warninglists.Lookup(ind.Type, ind.Value); ok {
		s.rep.listedExample(name, ind.Value)
		if !flag {
			s.rep.Warninglisted++
			s.rep.WarninglistedBy[name]++
			return
		}
		s.rep.Flagged++
		s.rep.FlaggedBy[name]++
		ind.Provenance.Labels = append(slices.Clip(ind.Provenance.Labels), vigil.WarninglistLabel+name)
	}
	s.rep.Total++
	s.rep.ByType[typ]++
	s.emit(ind)
}

// internal says why a normalised address or network is not a threat indicator (it lies in
// or covers an internal special-purpose range), or returns "".
func (s *Sink) internal(t vigil.IndicatorType, v string) string {
	if s.opts.KeepInternal {
		return ""
	}
	var p netip.Prefix
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return ""
		}
		p = netip.PrefixFrom(a, a.BitLen())
	case vigil.TypeCIDR:
		var err error
		if p, err = netip.ParsePrefix(v); err != nil {
			return ""
		}
	case vigil.TypeURL:
		// A URL on an internal address (a router's login page) would match internal
		// traffic just as the address would.
		u, err := url.Parse(v)
		if err != nil {
			return ""
		}
		a, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			return ""
		}
		r, ok := vigil.InternalAddr(a)
		if !ok {
			return ""
		}
		return fmt.Sprintf("%s is on %s, in %s, %s%s", v, a.Unmap(), r.Prefix, r.What, InternalWhy)
	default:
		return ""
	}
	r, ok := vigil.InternalRange(p)
	if !ok {
		return ""
	}
	how := "is in"
	if r.Prefix.Bits() > p.Bits() {
		how = "covers"
	}
	return fmt.Sprintf("%s %s %s, %s%s", v, how, r.Prefix, r.What, InternalWhy)
}

// InternalWhy ends the reason given for every internal address or network left out (a
// ProblemNotMatchable): what tells those apart from the other values that cannot match.
const InternalWhy = ": it means something only inside one network, so it is not a threat indicator"

func (s *Sink) fillDefaults(p *vigil.Provenance) {
	if s.category != "" && !slices.Contains(p.Labels, s.category) {
		p.Labels = append(slices.Clip(p.Labels), s.category)
	}
	if p.Source == "" {
		p.Source = s.opts.Source
		if p.Source == "" {
			p.Source = s.source
		}
	}
	if p.TLP == "" {
		p.TLP = s.opts.TLP
	}
	if p.Reliability == 0 {
		p.Reliability = s.opts.Reliability
	}
	if p.Credibility == 0 {
		p.Credibility = s.opts.Credibility
	}
}

// Reject records a value that is not a valid indicator, with the reason.
func (s *Sink) Reject(loc Location, value, reason string) {
	s.rep.Rejected++
	s.rep.example(ProblemRejected, loc, value, reason, s.opts.MaxExamples)
}

// NotMatchable records an indicator that is kept as intelligence but cannot be matched
// one observable at a time (a STIX pattern joining two observables, a FOLLOWEDBY...).
func (s *Sink) NotMatchable(loc Location, pattern, reason string) {
	s.rep.NotMatchable++
	s.rep.example(ProblemNotMatchable, loc, pattern, reason, s.opts.MaxExamples)
}

// Failed records an input (or part of one) that could not be read at all, such as JSON
// that breaks off; what was read before the fault is kept.
func (s *Sink) Failed(loc Location, reason string) {
	s.rep.Failed++
	s.rep.example(ProblemFailed, loc, "", reason, maxFailedExamples)
}

// maxFailedExamples is how many unreadable inputs a report names. An input fails once,
// where it stops being read, so each is named (a person needs the whole list to fix or
// drop them) up to this bound, which only a crafted archive of thousands of members meets.
const maxFailedExamples = 1000

// Skip counts an object that is not an indicator at all (a STIX attack-pattern, a MISP
// attribute type vigil does not match). kind names it in the report.
func (s *Sink) Skip(kind string) { s.rep.Skipped[kind]++ }

// Revoked counts an indicator its publisher has withdrawn.
func (s *Sink) Revoked() { s.rep.Revoked++ }

// NotForDetection counts a MISP attribute marked to_ids=false that was left out.
func (s *Sink) NotForDetection() { s.rep.NotForDetection++ }
