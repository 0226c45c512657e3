package feeds

import "unicode/utf8"

// maxManifestBytes caps a MISP feed's manifest.json: a feed of 100,000 events has a
// manifest of about 50 MB. intel.ParseMISPManifest reads it.
const maxManifestBytes = 256 << 20

// shorten bounds a value quoted in a message.
func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	n := 80
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
