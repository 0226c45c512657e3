package hunt

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil/internal/match"
)

// mark is where one sighting's line ends in a chunk's output, and what it matched.
type mark struct {
	end  int
	line int64
	id   match.ID
	weak bool
	at   int64 // the event's time in Unix nanoseconds; 0 when it has none
}

// Place is a line of a telemetry input.
type Place struct {
	File string `json:"file"`
	Line int64  `json:"line"`
}

// IndicatorSummary is every sighting of one indicator in a hunt, as one line a person can
// work through.
type IndicatorSummary struct {
	Matched
	// Sightings is how many sightings it had; Listed how many were written line by line.
	Sightings int64 `json:"sightings"`
	Listed    int64 `json:"listed"`
	// First and Last are the first and last lines it was sighted on, in input order.
	First Place `json:"first"`
	Last  Place `json:"last"`
	// FirstTime and LastTime are the earliest and latest event times among its sightings,
	// absent when none of their events had a time.
	FirstTime time.Time `json:"first_time,omitzero"`
	LastTime  time.Time `json:"last_time,omitzero"`
}

// write writes chunk c's sightings in order, leaving out those of weak indicators past
// limit (negative: none left out), and keeps each indicator's tally.
func (st *Stats) write(w io.Writer, file string, c *chunk, limit int) error {
	if st.byID == nil {
		st.byID = map[match.ID]*IndicatorSummary{}
	}
	start, kept := 0, 0 // c.out[kept:start] is the run of lines to write next
	for _, m := range c.marks {
		s := st.byID[m.id]
		if s == nil {
			s = &IndicatorSummary{First: Place{file, m.line}}
			st.byID[m.id] = s
		}
		s.Sightings++
		s.Last = Place{file, m.line}
		s.seenAt(m.at)
		if m.weak && limit >= 0 && s.Listed >= int64(limit) {
			if _, err := w.Write(c.out[kept:start]); err != nil {
				return err
			}
			st.Withheld++
			start, kept = m.end, m.end
			continue
		}
		s.Listed++
		start = m.end
	}
	_, err := w.Write(c.out[kept:start])
	return err
}

// seenAt widens the indicator's event times by a sighting at Unix nanoseconds at (0: none).
func (s *IndicatorSummary) seenAt(at int64) {
	if at == 0 {
		return
	}
	t := time.Unix(0, at).UTC()
	if s.FirstTime.IsZero() || t.Before(s.FirstTime) {
		s.FirstTime = t
	}
	if t.After(s.LastTime) {
		s.LastTime = t
	}
}

// summarise fills Indicators from the tallies, strong before weak, most sighted first.
func (st *Stats) summarise(snap *match.Snapshot) {
	st.Indicators = st.Indicators[:0]
	for id, s := range st.byID {
		s.Matched = matchedOf(snap.Entry(id))
		st.Indicators = append(st.Indicators, *s)
		if s.Grade == GradeWeak {
			st.Weak += s.Sightings
		} else {
			st.Strong += s.Sightings
		}
	}
	slices.SortFunc(st.Indicators, func(a, b IndicatorSummary) int {
		return cmp.Or(cmp.Compare(a.Grade, b.Grade), // "strong" sorts before "weak"
			cmp.Compare(b.Sightings, a.Sightings), cmp.Compare(a.Indicator, b.Indicator))
	})
}

// WriteSummary prints one line per indicator sighted: grade, sightings, what it is, who
// lists it (and who published it, when the data says), where it was first and last seen,
// and the earliest and latest event times.
func (st *Stats) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "%-6s %9s  %-11s %-40s %-30s %s  %s\n", "GRADE", "SIGHTINGS", "TYPE", "INDICATOR", "SOURCES (BY PUBLISHERS)",
		"FIRST … LAST SEEN", "EVENT TIMES (UTC)")
	for _, s := range st.Indicators {
		fmt.Fprintf(w, "%-6s %9d  %-11s %-40s %-30s %s:%d … %s:%d  %s\n", s.Grade, s.Sightings, s.IndicatorType, s.Indicator,
			s.listedBy(), s.First.File, s.First.Line, s.Last.File, s.Last.Line, s.eventTimes())
		if s.WeakBecause != "" {
			fmt.Fprintf(w, "%-6s %9s  (weak: %s)\n", "", "", s.WeakBecause)
		}
	}
}

// listedBy names the sources that list the indicator and, apart, who published it inside
// the data: "today,tweetfeed (by TweetFeed)". The file a hunt read is not whom to ask.
func (m *Matched) listedBy() string {
	s := strings.Join(m.Sources, ",")
	if len(m.Publishers) > 0 {
		s += " (by " + strings.Join(m.Publishers, ", ") + ")"
	}
	return s
}

// eventTimes is the span of the indicator's event times for the summary: "-" when none
// had a time, one time, or the earliest and latest.
func (s *IndicatorSummary) eventTimes() string {
	const layout = "2006-01-02 15:04:05"
	switch {
	case s.FirstTime.IsZero():
		return "-"
	case s.FirstTime.Truncate(time.Second).Equal(s.LastTime.Truncate(time.Second)):
		return s.FirstTime.Format(layout)
	}
	return s.FirstTime.Format(layout) + " … " + s.LastTime.Format(layout)
}
