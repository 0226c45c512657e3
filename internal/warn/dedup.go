package warn

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/vigil-health/vigil"
)

// maxKeyObservable is the longest observable DedupKey keeps as written; longer ones (long
// URLs) are replaced by their SHA-256, so that keys fit a database index.
const maxKeyObservable = 200

// DedupKey returns the key that deduplicates alerts: an organisation is alerted at most
// once per observable, event type and UTC calendar day of ev.Time, however many partners
// report it and however often. A new day, a different type of event (the same IP open on
// RDP, then compromised) or a different organisation (an asset claimed by two) makes a new
// alert. The severity, source, port and description do not take part: callers that want to
// escalate a repeat at a higher severity must compare severities themselves.
//
// The key reads "ORG|type|YYYY-MM-DD|observable"; an observable longer than 200 bytes is
// written as "sha256:" and its hex digest, so a key is never much over 300 bytes. org and
// ev.Type never contain '|' (ODS codes and validated types are letters, digits and '_'),
// so keys of different alerts never collide. ev.Observable must be normalised, as
// ParseEvents leaves it.
func DedupKey(org string, ev vigil.ThreatEvent) string {
	obs := ev.Observable
	if len(obs) > maxKeyObservable {
		sum := sha256.Sum256([]byte(obs))
		obs = "sha256:" + hex.EncodeToString(sum[:])
	}
	var day [10]byte
	var b strings.Builder
	b.Grow(len(org) + len(ev.Type) + len(day) + len(obs) + 3)
	b.WriteString(org)
	b.WriteByte('|')
	b.WriteString(ev.Type)
	b.WriteByte('|')
	b.Write(ev.Time.UTC().AppendFormat(day[:0], "2006-01-02"))
	b.WriteByte('|')
	b.WriteString(obs)
	return b.String()
}
