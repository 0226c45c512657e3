package centre

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
)

// listing is what every source says about one indicator, merged: the wording and the
// severity of sighting, retro-hunt and Early Warning feed alerts come from it.
type listing struct {
	typ        vigil.IndicatorType
	value      string
	sources    []string
	labels     []string
	tlp        vigil.TLP // the strictest marking
	confidence int       // the highest stated, -1 when none is
}

func newListing(t vigil.IndicatorType, value string) *listing {
	return &listing{typ: t, value: value, confidence: -1}
}

// add merges one source's view: its name, labels, the stricter TLP, the higher confidence.
func (l *listing) add(p vigil.Provenance) {
	if src := strings.TrimSpace(p.Source); src != "" && !slices.Contains(l.sources, src) {
		l.sources = append(l.sources, src)
	}
	for _, lb := range p.Labels {
		if lb = strings.TrimSpace(lb); lb != "" && !slices.Contains(l.labels, lb) {
			l.labels = append(l.labels, lb)
		}
	}
	l.tlp = vigil.Stricter(l.tlp, p.TLP)
	l.confidence = max(l.confidence, p.Confidence)
}

// mergeListings merges indicators of the same type and value from several sources.
func mergeListings(added []vigil.Indicator) []*listing {
	type tv struct {
		t vigil.IndicatorType
		v string
	}
	by := map[tv]*listing{}
	var out []*listing
	for _, ind := range added {
		k := tv{ind.Type, ind.Value}
		l, ok := by[k]
		if !ok {
			l = newListing(ind.Type, ind.Value)
			by[k] = l
			out = append(out, l)
		}
		l.add(ind.Provenance)
	}
	return out
}

// threatWords in a label mark an indicator of active compromise rather than, say,
// scanning or spam.
var threatWords = []string{"ransom", "c2", "cnc", "command and control", "command-and-control", "botnet",
	"backdoor", "rat", "stealer", "loader", "exploit", "apt", "trojan", "malware"}

// severity is how urgent a match of the indicator is. The rule, from the top:
//   - critical: a label names ransomware and a source is at least 80% confident;
//   - high: a label names active compromise (ransomware, command and control, botnet,
//     backdoor, RAT, stealer, loader, exploit, APT, trojan, malware), or a source is at
//     least 80% confident, or the indicator is a file hash (a known-bad file is on a
//     machine, not merely a connection attempt);
//   - low: every source that states a confidence is below 40%;
//   - medium: everything else, including indicators with no confidence or labels.
func (l *listing) severity() vigil.Severity {
	ransom, threat := false, false
	for _, lb := range l.labels {
		lb = strings.ToLower(lb)
		ransom = ransom || strings.Contains(lb, "ransom")
		threat = threat || slices.ContainsFunc(threatWords, func(w string) bool { return hasWord(lb, w) })
	}
	switch {
	case ransom && l.confidence >= 80:
		return vigil.SeverityCritical
	case threat || l.confidence >= 80 || l.typ.IsHash():
		return vigil.SeverityHigh
	case l.confidence >= 0 && l.confidence < 40:
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

// who says who lists the indicator: "abuse.ch and Shadowserver".
func (l *listing) who() string { return alerts.AndList(l.sources, "a threat-intelligence source") }

// as says what they list it as: "qakbot, botnet (confidence 90%)".
func (l *listing) as() string {
	s := "malicious"
	if len(l.labels) > 0 {
		s = strings.Join(l.labels[:min(len(l.labels), 5)], ", ")
	}
	if l.confidence >= 0 {
		s += fmt.Sprintf(" (confidence %d%%)", l.confidence)
	}
	return s
}

// action is what a device did with an observable of type t, for alert text.
func action(t vigil.IndicatorType) string {
	switch t {
	case vigil.TypeURL:
		return "fetched"
	case vigil.TypeEmail:
		return "exchanged email with"
	case vigil.TypeMD5, vigil.TypeSHA1, vigil.TypeSHA256, vigil.TypeSHA512:
		return "held the file with hash"
	case vigil.TypeFilename:
		return "held a file named"
	}
	return "contacted"
}

// nextSteps is the plain-language advice that ends every sighting and retro-hunt alert.
func nextSteps(observable string, t vigil.IndicatorType) string {
	if t.IsHash() || t == vigil.TypeFilename {
		return "What to do: find the computer that holds the file (your sensor's logs for that day name it), " +
			"disconnect it from the network, and ask your IT support or the sector security centre to check it " +
			"before it is used again. Do not open or delete the file yourself: it is evidence."
	}
	return "What to do: find the computer (your sensor's logs for that day name it), disconnect it from the " +
		"network if it is still in contact with " + observable + ", and ask your IT support or the sector " +
		"security centre to check it. Block " + observable + " at your firewall, web filter or DNS filter."
}

// sightingAlert is the alert for one observable of org's telemetry that matched an
// indicator on day, seen count times in this upload.
func sightingAlert(org, orgName string, day time.Time, t vigil.IndicatorType, observable string, l *listing, count int64, at time.Time) vigil.Alert {
	what := observable
	if observable != l.value {
		what += " (" + within(l.typ) + " " + l.value + ")"
	}
	title := fmt.Sprintf("A computer at %s %s %s", orgName, action(t), observable)
	body := fmt.Sprintf("A computer at %s %s %s, listed by %s as %s. It was in the telemetry your sensor sent on %s. %s",
		orgName, action(t), what, l.who(), l.as(), day.Format("2 January 2006"), nextSteps(observable, t))
	return vigil.Alert{Org: org, Kind: vigil.AlertSighting, Severity: l.severity(), Title: clipText(title, 300),
		Body: body, Observable: observable, Indicator: l.value, Sources: l.sources, TLP: l.tlp, Count: int(count),
		FirstSeen: at, LastSeen: at,
		DedupKey: dedupKey("sighting", day.Format(time.DateOnly), string(t), observable, string(l.typ), l.value)}
}

// within is how an observable relates to the broader indicator that matched it.
func within(t vigil.IndicatorType) string {
	if t == vigil.TypeCIDR {
		return "inside the network"
	}
	return "under the domain"
}

// dedupKey joins parts with "|", hashed when it would be too long to store.
func dedupKey(parts ...string) string {
	k := strings.Join(parts, "|")
	if len(k) <= 200 {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	return parts[0] + "|sha256:" + hex.EncodeToString(sum[:])
}

// clipText shortens s to n bytes at a word boundary, marking the cut with "…".
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n-3], ' ')
	if cut < n/2 {
		cut = n - 3
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return s[:cut] + "…"
}

// dayRange says when something was seen: "on 9 November 2025", "between 3 and 9
// November 2025", "between 28 October and 9 November 2025".
func dayRange(first, last time.Time) string {
	switch {
	case first.Equal(last):
		return "on " + last.Format("2 January 2006")
	case first.Year() != last.Year():
		return "between " + first.Format("2 January 2006") + " and " + last.Format("2 January 2006")
	case first.Month() != last.Month():
		return "between " + first.Format("2 January") + " and " + last.Format("2 January 2006")
	}
	return "between " + strconv.Itoa(first.Day()) + " and " + last.Format("2 January 2006")
}
