package intel

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
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
	// Reasons counts the rejected, not matchable and unreadable values per reason, each
	// with its first example, so a person sees what a file's 95,000 rejections are made of.
	Reasons []ReasonCount `json:"reasons,omitempty"`

	examples  map[string]int
	reasonAt  map[string]int // index in Reasons by kind and reason
	reasonsOf map[string]int // how many reasons each kind has
}

// ReasonCount counts the problems of one kind that share a reason.
type ReasonCount struct {
	// Kind is one of the Problem* constants.
	Kind string `json:"kind"`
	// Reason is the reason with the value it named replaced by "…".
	Reason string `json:"reason"`
	// Count is how many problems had it.
	Count int `json:"count"`
	// Example is the first problem seen with this reason.
	Example Problem `json:"example"`
}

// maxReasons caps the distinct reasons a report counts per kind; later ones count under
// otherReasons, so that a reason naming a varying part (a STIX pattern's error position)
// cannot grow a report without bound.
const (
	maxReasons   = 40
	otherReasons = "other reasons"
)

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
	if r.reasonAt == nil {
		r.reasonAt = make(map[string]int, len(r.Reasons))
		r.reasonsOf = map[string]int{}
		for i, c := range r.Reasons {
			r.reasonAt[c.Kind+"\x00"+c.Reason] = i
			r.reasonsOf[c.Kind]++
		}
	}
}

// count adds problem p to the count of its reason.
func (r *Report) count(p Problem) { r.add(p.Kind, reasonClass(p.Value, p.Reason), p, 1) }

// add adds n problems of kind with reason class to its count; example is the first such.
func (r *Report) add(kind, class string, example Problem, n int) {
	key := kind + "\x00" + class
	i, ok := r.reasonAt[key]
	if !ok && r.reasonsOf[kind] >= maxReasons {
		class = otherReasons
		key = kind + "\x00" + class
		i, ok = r.reasonAt[key]
	}
	if !ok {
		i = len(r.Reasons)
		r.reasonAt[key] = i
		r.reasonsOf[kind]++
		r.Reasons = append(r.Reasons, ReasonCount{Kind: kind, Reason: class, Example: example})
	}
	r.Reasons[i].Count += n
}

// reasonClass is reason with the value it begins with or names replaced by "…", so
// that problems alike count together ("… is a single label, not a domain name"). The
// value may appear as given, trimmed, lower-cased or without its trailing dot, as the
// normalisers print it. Inside the words it is only looked for when it has a dot, colon
// or slash (an address, a network, a name), so a value "a" leaves "not a valid" alone.
func reasonClass(value, reason string) string {
	v := strings.TrimSpace(value)
	lower := strings.ToLower(v)
	for _, c := range []string{v, lower, strings.TrimSuffix(lower, ".")} {
		if c == "" {
			continue
		}
		for _, f := range []string{strconv.Quote(c), c} {
			if rest, ok := strings.CutPrefix(reason, f); ok {
				return "…" + endingsOut(c, rest)
			}
			if !strings.ContainsAny(f, ".:/") {
				continue
			}
			if before, after, ok := strings.Cut(reason, " "+f+" "); ok {
				return before + " … " + endingsOut(c, after)
			}
		}
	}
	return reason
}

// endingsOut replaces the words of rest that are an ending of value (".exe" of
// "foo.exe", as "…: .exe is not a top-level domain" names it) with ".…", so that every
// unknown ending counts as one reason.
func endingsOut(value, rest string) string {
	words := strings.Split(rest, " ")
	for i, w := range words {
		if len(w) > 1 && w[0] == '.' && strings.HasSuffix(value, w) {
			words[i] = ".…"
		}
	}
	return strings.Join(words, " ")
}

// ByCount returns the reasons, the most frequent first.
func (r *Report) ByCount() []ReasonCount {
	out := slices.Clone(r.Reasons)
	slices.SortStableFunc(out, func(a, b ReasonCount) int { return b.Count - a.Count })
	return out
}

func (r *Report) example(kind string, loc Location, value, reason string, max int) {
	r.exampleIn(kind, kind, loc, value, reason, max)
}

// exampleIn keeps an example of kind under its own budget, so that one flood of a kind
// (internal addresses in a block list) does not hide another (STIX patterns).
func (r *Report) exampleIn(budget, kind string, loc Location, value, reason string, max int) {
	if len(value) > 200 {
		value = value[:200] + "…"
	}
	p := Problem{Kind: kind, Location: loc, Value: value, Reason: reason}
	r.count(p)
	if r.examples[budget] >= max {
		return
	}
	r.examples[budget]++
	r.Problems = append(r.Problems, p)
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
	fmt.Fprintf(w, "unreadable inputs: %d", r.Failed)
	if named := r.named(ProblemFailed); named < r.Failed {
		fmt.Fprintf(w, " (%d named below)", named)
	}
	fmt.Fprintln(w)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "skipped objects:\n")
		for _, k := range slices.Sorted(maps.Keys(r.Skipped)) {
			fmt.Fprintf(w, "  %-24s %d\n", k, r.Skipped[k])
		}
	}
	if len(r.Reasons) > 0 {
		fmt.Fprintf(w, "problems by reason:\n")
		for _, c := range r.ByCount() {
			fmt.Fprintf(w, "  %8d %s: %s\n", c.Count, c.Kind, c.Reason)
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

// named is how many problems of kind the report holds as examples.
func (r *Report) named(kind string) int {
	n := 0
	for _, p := range r.Problems {
		if p.Kind == kind {
			n++
		}
	}
	return n
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
	for _, c := range o.Reasons {
		r.add(c.Kind, c.Reason, c.Example, c.Count)
	}
}
