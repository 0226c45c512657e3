package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil/internal/disclosure"
)

// Formats the report is written in.
const (
	FormatHTML     = "html"
	FormatJSON     = "json"
	FormatMarkdown = "md"
)

// Formats lists the formats, for flags and links.
var Formats = []string{FormatHTML, FormatJSON, FormatMarkdown}

// Write writes r in format: FormatJSON (the Document, indented), FormatMarkdown, or
// otherwise FormatHTML.
func Write(w io.Writer, r Report, format string) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r.Document())
	case FormatMarkdown:
		return WriteMarkdown(w, r)
	}
	return WriteHTML(w, r)
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case FormatJSON:
		return "application/json"
	case FormatMarkdown:
		return "text/markdown; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

// FileName is the name a downloaded report gets: sector-report-FIRST-to-LAST.EXT.
func (r Report) FileName(format string) string {
	return "sector-report-" + r.Period.First.Format(time.DateOnly) + "-to-" + r.Period.Last.Format(time.DateOnly) + "." + format
}

// Days formats the period for people: "1 Nov 2026 to 30 Nov 2026".
func (p Period) Days() string {
	return p.First.Format("2 Jan 2006") + " to " + p.Last.Format("2 Jan 2006")
}

// duration writes a time to act as people read it: "45 minutes", "3 hours 20 minutes",
// "2 days 4 hours"; a dash when there is none.
func duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d.Round(time.Minute)/time.Minute), "minute")
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		return joinNonZero(plural(h, "hour"), plural(m, "minute"))
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	return joinNonZero(plural(days, "day"), plural(h, "hour"))
}

func plural(n int, unit string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func joinNonZero(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "less than a minute"
	}
	return strings.Join(out, " ")
}

// figureText is a figure as text: its value with thousands separators (or *) and its
// percentage, if any.
func figureText(f Figure) string {
	s := cellText(f.Value)
	if f.Percent != nil {
		s += fmt.Sprintf(" (%.0f%%)", *f.Percent)
	}
	return s
}

// cellText is a published count as text: "*" or the number with thousands separators.
func cellText(c disclosure.Cell) string {
	if c.Mark == disclosure.Suppressed {
		return "*"
	}
	s := strconv.Itoa(c.Value)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
