package vuln

import "strings"

// advisorySeverity picks the advisory's severity: the highest base score among its
// CVSS vectors (record-level and per package), else the rating the database gives
// without a vector, else none.
func advisorySeverity(a Advisory) Severity {
	items := append([]SeverityItem(nil), a.Severity...)
	for _, af := range a.Affected {
		items = append(items, af.Severity...)
	}
	var best Severity
	for _, it := range items {
		if it.Type != "CVSS_V3" && it.Type != "CVSS_V4" {
			continue
		}
		score, err := ScoreCVSS(it.Score)
		if err != nil {
			continue
		}
		if best.Vector == "" || score > best.Score {
			best = Severity{Score: score, Rating: Rating(score), Vector: it.Score}
		}
	}
	if best.Vector == "" {
		best.Rating = ratingWord(a.DatabaseSpecific.Severity)
	}
	return best
}

// ratingWord maps GitHub's "MODERATE" and the CVSS band names to vigil's words.
func ratingWord(s string) string {
	switch s = strings.ToLower(s); s {
	case "moderate":
		return "medium"
	case "none", "low", "medium", "high", "critical":
		return s
	}
	return ""
}

// Enrich marks findings CISA lists as known exploited and adds their EPSS score,
// through every CVE the finding goes by. Either source may be nil.
func Enrich(findings []Finding, kev KEV, epss EPSSScores) {
	for i := range findings {
		f := &findings[i]
		for _, id := range f.IDs() {
			if e, ok := kev[id]; ok {
				f.KEV = true
				if f.KEVDueDate == "" || e.DueDate < f.KEVDueDate {
					f.KEVDueDate = e.DueDate
				}
			}
			if s, ok := epss[id]; ok && (f.EPSS == nil || s.Probability > f.EPSS.Probability) {
				f.EPSS = &s
			}
		}
	}
}
