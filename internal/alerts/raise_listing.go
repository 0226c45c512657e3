package alerts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Listing is what every source says about one indicator, merged: the wording and the
// severity of sighting, retro-hunt and Early Warning feed alerts come from it.
type Listing struct {
	// Type and Value are the indicator's.
	Type  vigil.IndicatorType
	Value string
	// Sources are the sources that list it, in the order first seen.
	Sources []string
	// Publishers are who published it inside the data (a STIX identity, a MISP event's
	// creator), when that is not the source itself.
	Publishers []string
	// Labels are what they list it as (malware families, threat types).
	Labels []string
	// TLP is the strictest marking of any source.
	TLP vigil.TLP
	// Confidence is the highest any source states, -1 when none does.
	Confidence int
}

// NewListing is an indicator nobody has said anything about yet.
func NewListing(t vigil.IndicatorType, value string) *Listing {
	return &Listing{Type: t, Value: value, Confidence: -1}
}

// Add merges one source's view: its name, labels, the stricter TLP, the higher confidence.
func (l *Listing) Add(p vigil.Provenance) {
	if src := strings.TrimSpace(p.Source); src != "" && !slices.Contains(l.Sources, src) {
		l.Sources = append(l.Sources, src)
	}
	if pub := strings.TrimSpace(p.Publisher); pub != "" && pub != strings.TrimSpace(p.Source) && !slices.Contains(l.Publishers, pub) {
		l.Publishers = append(l.Publishers, pub)
	}
	for _, lb := range p.Labels {
		if lb = strings.TrimSpace(lb); lb != "" && !slices.Contains(l.Labels, lb) {
			l.Labels = append(l.Labels, lb)
		}
	}
	l.TLP = vigil.Stricter(l.TLP, p.TLP)
	l.Confidence = max(l.Confidence, p.Confidence)
}

// MergeListings merges indicators of the same type and value from several sources.
func MergeListings(added []vigil.Indicator) []*Listing {
	type tv struct {
		t vigil.IndicatorType
		v string
	}
	by := map[tv]*Listing{}
	var out []*Listing
	for _, ind := range added {
		k := tv{ind.Type, ind.Value}
		l, ok := by[k]
		if !ok {
			l = NewListing(ind.Type, ind.Value)
			by[k] = l
			out = append(out, l)
		}
		l.Add(ind.Provenance)
	}
	return out
}

// threatWords in a label mark an indicator of active compromise rather than, say,
// scanning or spam.
var threatWords = []string{"ransom", "c2", "cnc", "command and control", "command-and-control", "botnet",
	"backdoor", "rat", "stealer", "loader", "exploit", "apt", "trojan", "malware"}

// Severity is how urgent a match of the indicator is. The rule, from the top:
//   - critical: a label names ransomware and a source is at least 80% confident;
//   - high: a label names active compromise (ransomware, command and control, botnet,
//     backdoor, RAT, stealer, loader, exploit, APT, trojan, malware), or a source is at
//     least 80% confident, or the indicator is a file hash (a known-bad file is on a
//     machine, not merely a connection attempt);
//   - low: every source that states a confidence is below 40%;
//   - medium: everything else, including indicators with no confidence or labels.
//
// An indicator a flagging warninglist knows (a shared CDN address) is one step lower.
func (l *Listing) Severity() vigil.Severity {
	s := l.severity()
	if slices.ContainsFunc(l.Labels, func(lb string) bool { return strings.HasPrefix(lb, vigil.WarninglistLabel) }) {
		return s.Lower()
	}
	return s
}

func (l *Listing) severity() vigil.Severity {
	ransom, threat := false, false
	for _, lb := range l.Labels {
		lb = strings.ToLower(lb)
		ransom = ransom || strings.Contains(lb, "ransom")
		threat = threat || slices.ContainsFunc(threatWords, func(w string) bool { return hasWord(lb, w) })
	}
	switch {
	case ransom && l.Confidence >= 80:
		return vigil.SeverityCritical
	case threat || l.Confidence >= 80 || l.Type.IsHash() || l.Type.IsFingerprint():
		return vigil.SeverityHigh
	case l.Confidence >= 0 && l.Confidence < 40:
		return vigil.SeverityLow
	}
	return vigil.SeverityMedium
}

// hasWord reports whether w starts a word of s: "rat" counts in "rat-dropper" but not in
// "operator". "ransom" counts anywhere ("lockbit-ransomware").
func hasWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isLetter(s[j-1]) || w == "ransom" {
			return true
		}
		i = j + 1
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

// Who says who lists the indicator: "abuse.ch and Shadowserver".
func (l *Listing) Who() string {
	who := AndList(l.Sources, "a threat-intelligence source")
	if len(l.Publishers) > 0 {
		who += " (published by " + AndList(l.Publishers, "") + ")"
	}
	return who
}

// As says what they list it as: "qakbot, botnet (confidence 90%)", the labels as a
// sentence shows them (vigil.PlainLabels).
func (l *Listing) As() string {
	s := "malicious"
	if plain := vigil.PlainLabels(l.Labels); len(plain) > 0 {
		s = strings.Join(plain[:min(len(plain), 5)], ", ")
	}
	if l.Confidence >= 0 {
		s += fmt.Sprintf(" (confidence %d%%)", l.Confidence)
	}
	return s
}
