package intel

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Problem kinds in a Report.
const (
	ProblemRejected     = "rejected"      // not a valid indicator value
	ProblemNotMatchable = "not_matchable" // kept, but cannot be matched per observable
	ProblemFailed       = "failed"        // the input could not be read past this point
)

// Problem is one example of something an import could not use, with where and why.
type Problem struct {
	// Kind is one of the Problem* constants.
	Kind string `json:"kind"`
	Location
	// Value is the offending value or pattern, shortened when long.
	Value string `json:"value,omitempty"`
	// Reason says what is wrong in words a person can act on.
	Reason string `json:"reason"`
}

// Report counts what an import found. Counts are complete; Problems keeps the first few
// examples of each kind.
type Report struct {
	// Files is how many inputs were read.
	Files int `json:"files"`
	// Total is how many matchable indicators were accepted (before merging duplicates).
	Total int `json:"total"`
	// ByType counts accepted indicators per type.
	ByType map[vigil.IndicatorType]int `json:"by_type"`
	// NotMatchable counts indicators kept as intelligence that cannot be matched per observable.
	NotMatchable int `json:"not_matchable"`
	// Internal counts the not-matchable addresses and networks that lie in or cover an
	// internal special-purpose range (private, loopback, link-local...): part of NotMatchable.
	Internal int `json:"internal"`
	// Rejected counts values that are not valid indicators.
	Rejected int `json:"rejected"`
	// Warninglisted counts indicators left out of matching because a warninglist knows them as benign.
	Warninglisted int `json:"warninglisted"`
	// WarninglistedBy counts them per warninglist.
	WarninglistedBy map[string]int `json:"warninglisted_by,omitempty"`
	// Flagged counts indicators kept although a flagging warninglist knows them (labelled
	// "warninglist:<name>"), and FlaggedBy per list.
	Flagged   int            `json:"flagged"`
	FlaggedBy map[string]int `json:"flagged_by,omitempty"`
	// ListedExamples holds the first few values each warninglist dropped or flagged, so a
	// person can see what a list does to a feed.
	ListedExamples map[string][]string `json:"listed_examples,omitempty"`
	// Expired counts indicators whose validity has ended.
	Expired int `json:"expired"`
	// Revoked counts indicators their publisher withdrew.
	Revoked int `json:"revoked"`
	// NotForDetection counts MISP attributes marked to_ids=false.
	NotForDetection int `json:"not_for_detection"`
	// Failed counts inputs that broke off part way (what came before was kept).
	Failed int `json:"failed"`
	// Skipped counts objects that are not indicators, by kind.
	Skipped map[string]int `json:"skipped,omitempty"`
	// Problems holds the first examples of each problem kind.
	Problems []Problem `json:"problems,omitempty"`

	examples map[string]int
}

func (r *Report) init() {
	if r.ByType == nil {
		r.ByType = map[vigil.IndicatorType]int{}
	}
	if r.WarninglistedBy == nil {
		r.WarninglistedBy = map[string]int{}
	}
	if r.FlaggedBy == nil {
		r.FlaggedBy = map[string]int{}
	}
	if r.ListedExamples == nil {
		r.ListedExamples = map[string][]string{}
	}
	if r.Skipped == nil {
		r.Skipped = map[string]int{}
	}
	if r.examples == nil {
		r.examples = map[string]int{}
	}
}

func (r *Report) example(kind string, loc Location, value, reason string, max int) {
	r.exampleIn(kind, kind, loc, value, reason, max)
}

// exampleIn keeps an example of kind under its own budget, so that one flood of a kind
// (internal addresses in a block list) does not hide another (STIX patterns).
func (r *Report) exampleIn(budget, kind string, loc Location, value, reason string, max int) {
	if r.examples[budget] >= max {
		return
	}
	r.examples[budget]++
	if len(value) > 200 {
		value = value[:200] + "…"
	}
	r.Problems = append(r.Problems, Problem{Kind: kind, Location: loc, Value: value, Reason: reason})
}

// WriteText prints the report for a person: counts first, then the example problems.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "files read:        %d\n", r.Files)
	fmt.Fprintf(w, "matchable:         %d\n", r.Total)
	for _, t := range vigil.IndicatorTypes {
		if n := r.ByType[t]; n > 0 {
			fmt.Fprintf(w, "  %-16s %d\n", t, n)
		}
	}
	fmt.Fprintf(w, "not matchable:     %d\n", r.NotMatchable)
	if r.Internal > 0 {
		fmt.Fprintf(w, "  internal address %d\n", r.Internal)
	}
	fmt.Fprintf(w, "rejected:          %d\n", r.Rejected)
	fmt.Fprintf(w, "warninglisted:     %d\n", r.Warninglisted)
	for _, name := range slices.Sorted(maps.Keys(r.WarninglistedBy)) {
		fmt.Fprintf(w, "  %-40s %d  e.g. %s\n", name, r.WarninglistedBy[name], strings.Join(r.ListedExamples[name], ", "))
	}
	if r.Flagged > 0 {
		fmt.Fprintf(w, "flagged (kept):    %d\n", r.Flagged)
		for _, name := range slices.Sorted(maps.Keys(r.FlaggedBy)) {
			fmt.Fprintf(w, "  %-40s %d  e.g. %s\n", name, r.FlaggedBy[name], strings.Join(r.ListedExamples[name], ", "))
		}
	}
	fmt.Fprintf(w, "expired:           %d\n", r.Expired)
	fmt.Fprintf(w, "revoked:           %d\n", r.Revoked)
	fmt.Fprintf(w, "not for detection: %d\n", r.NotForDetection)
	fmt.Fprintf(w, "unreadable inputs: %d\n", r.Failed)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "skipped objects:\n")
		for _, k := range slices.Sorted(maps.Keys(r.Skipped)) {
			fmt.Fprintf(w, "  %-24s %d\n", k, r.Skipped[k])
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "%s: %s", p.Kind, p.File)
		if p.Line > 0 {
			fmt.Fprintf(w, ":%d", p.Line)
		}
		if p.Ref != "" {
			fmt.Fprintf(w, " (%s)", p.Ref)
		}
		fmt.Fprintf(w, ": %s", p.Reason)
		if p.Value != "" {
			fmt.Fprintf(w, ": %q", p.Value)
		}
		fmt.Fprintln(w)
	}
}

// maxListedExamples is how many values of each warninglist a report keeps.
const maxListedExamples = 3

func (r *Report) listedExample(list, value string) {
	if len(r.ListedExamples[list]) < maxListedExamples && !slices.Contains(r.ListedExamples[list], value) {
		r.ListedExamples[list] = append(r.ListedExamples[list], value)
	}
}

// Merge adds the counts and examples of o into r.
func (r *Report) Merge(o *Report) {
	r.init()
	r.Files += o.Files
	r.Total += o.Total
	r.NotMatchable += o.NotMatchable
	r.Internal += o.Internal
	r.Rejected += o.Rejected
	r.Warninglisted += o.Warninglisted
	r.Expired += o.Expired
	r.Revoked += o.Revoked
	r.NotForDetection += o.NotForDetection
	r.Failed += o.Failed
	for k, v := range o.ByType {
		r.ByType[k] += v
	}
	for k, v := range o.WarninglistedBy {
		r.WarninglistedBy[k] += v
	}
	r.Flagged += o.Flagged
	for k, v := range o.FlaggedBy {
		r.FlaggedBy[k] += v
	}
	for k, v := range o.ListedExamples {
		for _, e := range v {
			r.listedExample(k, e)
		}
	}
	for k, v := range o.Skipped {
		r.Skipped[k] += v
	}
	r.Problems = append(r.Problems, o.Problems...)
}
