package hunt

import (
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

// The grades of a sighting: how much it deserves a person's time.
const (
	// GradeStrong is a sighting worth looking at first.
	GradeStrong = "strong"
	// GradeWeak is a sighting of an indicator that is often harmless: a file name alone,
	// something its lists call suspicious rather than malicious, one source with low
	// confidence, or the hash of empty content. Weak indicators are summarised rather
	// than listed line by line once they flood (Options.WeakLimit).
	GradeWeak = "weak"
)

// emptyContent are the hashes of zero bytes: every empty file has them.
var emptyContent = map[string]bool{
	"d41d8cd98f00b204e9800998ecf8427e":                                 true, // MD5
	"da39a3ee5e6b4b0d3255bfef95601890afd80709":                         true, // SHA-1
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855": true, // SHA-256
	"cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e": true, // SHA-512
}

// weakWords are labels lists use for what is worth knowing but not malicious in itself.
var weakWords = []string{"suspicious", "potentially unwanted", "pua", "pup", "adware", "scanner", "scanning", "ip lookup", "ip-lookup", "ipinfo", "tor exit"}

// minConfidence is the confidence below which one source alone makes a weak sighting.
const minConfidence = 50

// grade grades the sightings of an indicator and says why a weak one is weak.
func grade(e match.Entry) (string, string) {
	switch {
	case e.Type == vigil.TypeFilename:
		return GradeWeak, "a file name alone: many harmless files share names"
	case flaggedBy(e) != "":
		return GradeWeak, "on warninglist " + flaggedBy(e) + ": shared by many harmless services"
	case emptyContent[e.Value]:
		return GradeWeak, "the hash of empty content: every empty file has it"
	case onlyWeakLabels(e):
		return GradeWeak, "its lists call it suspicious or a scanner, not malicious"
	case len(e.Sources) == 1 && e.Sources[0].Confidence >= 0 && e.Sources[0].Confidence < minConfidence:
		return GradeWeak, "one source, with low confidence"
	}
	return GradeStrong, ""
}

// onlyWeakLabels reports whether every source lists the indicator as only suspicious:
// the source's name says so (mass_scanner, ipinfo) or each of its labels does.
func onlyWeakLabels(e match.Entry) bool {
	for _, p := range e.Sources {
		if !weakWord(p.Source) && (len(p.Labels) == 0 || slices.ContainsFunc(p.Labels, func(l string) bool { return !weakWord(l) })) {
			return false
		}
	}
	return len(e.Sources) > 0
}

// weakWord reports whether a label or list name says "suspicious" or the like.
func weakWord(s string) bool {
	s = strings.ToLower(s)
	return slices.ContainsFunc(weakWords, func(w string) bool { return strings.Contains(s, w) })
}

// flaggedBy names the flagging warninglist that knows the indicator, or "".
func flaggedBy(e match.Entry) string {
	for _, p := range e.Sources {
		for _, l := range p.Labels {
			if name, ok := strings.CutPrefix(l, vigil.WarninglistLabel); ok {
				return name
			}
		}
	}
	return ""
}
