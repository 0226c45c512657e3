package pages

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-health/vigil/internal/intel"
)

// outcome is what a feed's last pull or upload found, as the feed's counts hold it: the
// import report's counts, reasons and first examples (under the report's own names),
// and what the store made of it.
type outcome struct {
	intel.Report
	Added     int `json:"added"`
	Refreshed int `json:"refreshed"`
	Withdrawn int `json:"withdrawn"`
}

// readOutcome reads a feed's counts; nil when it has none yet.
func readOutcome(counts json.RawMessage) *outcome {
	var o outcome
	if len(counts) == 0 || json.Unmarshal(counts, &o) != nil {
		return nil
	}
	return &o
}

// leftOut is one kind of value an import left out (or kept but cannot match), said the
// way an analyst would say it, with the reasons and their first examples.
type leftOut struct {
	// Count is how many values.
	Count int
	// What says how many of what ("3 internal addresses"), Why why they were left out.
	What, Why string
	// Reasons count them by reason, each with its first example.
	Reasons []intel.ReasonCount
	// Lists are the warninglists that knew them, with a few values each.
	Lists []listedBy
}

// listedBy is what one warninglist took out of an import.
type listedBy struct {
	Name     string
	Count    int
	Examples []string
}

// leftOutOf says what rep left out and why, most telling first; nothing when it left
// nothing out.
func leftOutOf(rep *intel.Report) []leftOut {
	if rep == nil {
		return nil
	}
	byKind := func(keep func(intel.ReasonCount) bool) []intel.ReasonCount {
		var out []intel.ReasonCount
		for _, c := range rep.ByCount() {
			if keep(c) {
				out = append(out, c)
			}
		}
		return out
	}
	isInternal := func(c intel.ReasonCount) bool {
		return c.Kind == intel.ProblemNotMatchable && strings.HasSuffix(c.Reason, intel.InternalWhy)
	}
	internal := byKind(isInternal)
	for i := range internal { // the line above says why once
		internal[i].Reason = strings.TrimSuffix(internal[i].Reason, intel.InternalWhy)
	}
	lines := []leftOut{
		{Count: rep.Internal, What: counted(rep.Internal, "internal address", "internal addresses") + " (private, loopback, link-local…)",
			Why:     "left out: they mean something only inside one network, so they are not threats to anyone else",
			Reasons: internal},
		{Count: rep.NotMatchable - rep.Internal, What: counted(rep.NotMatchable-rep.Internal, "value", "values") + " kept as intelligence but not matchable",
			Why:     "one value at a time (a STIX pattern joining two observables, for instance): no sighting can match them",
			Reasons: byKind(func(c intel.ReasonCount) bool { return c.Kind == intel.ProblemNotMatchable && !isInternal(c) })},
		{Count: rep.Warninglisted, What: counted(rep.Warninglisted, "value", "values") + " on warninglists of known harmless values (public resolvers, popular sites…)",
			Why: "left out: a match on them would be a false alarm", Lists: listsOf(rep)},
		{Count: rep.Expired, What: counted(rep.Expired, "expired indicator", "expired indicators"), Why: "left out: the time their publisher said they were valid until has passed"},
		{Count: rep.Revoked, What: counted(rep.Revoked, "revoked indicator", "revoked indicators"), Why: "left out: their publisher withdrew them"},
		{Count: rep.NotForDetection, What: counted(rep.NotForDetection, "value", "values") + " marked not for detection", Why: "left out: their MISP publisher turned detection off for them (to_ids)"},
		{Count: rep.Rejected, What: counted(rep.Rejected, "rejected value", "rejected values"), Why: "left out: they are not valid indicators",
			Reasons: byKind(func(c intel.ReasonCount) bool { return c.Kind == intel.ProblemRejected })},
		{Count: rep.Failed, What: counted(rep.Failed, "input", "inputs") + " that could not be read to the end", Why: "(what came before the fault was kept)",
			Reasons: byKind(func(c intel.ReasonCount) bool { return c.Kind == intel.ProblemFailed })},
	}
	return slices.DeleteFunc(lines, func(l leftOut) bool { return l.Count <= 0 })
}

// listsOf is what each warninglist took out of rep, the biggest first.
func listsOf(rep *intel.Report) []listedBy {
	var out []listedBy
	for _, name := range slices.Sorted(maps.Keys(rep.WarninglistedBy)) {
		out = append(out, listedBy{Name: name, Count: rep.WarninglistedBy[name], Examples: rep.ListedExamples[name]})
	}
	slices.SortStableFunc(out, func(a, b listedBy) int { return b.Count - a.Count })
	return out
}

// counted is n with the noun that fits it: "1 indicator", "1,234 indicators".
func counted(n any, one, many string) string {
	if s := formatNum(n); s != "1" {
		return s + " " + many
	}
	return "1 " + one
}
