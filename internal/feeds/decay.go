package feeds

import (
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

const day = 24 * time.Hour

// halfLives says how fast each type of indicator goes stale. The figures follow how long
// the thing behind the value usually stays in an attacker's hands.
var halfLives = map[vigil.IndicatorType]time.Duration{
	// Addresses are cheap to move and are reassigned to innocent hosts within weeks
	// (cloud instances, residential proxies, DHCP).
	vigil.TypeIPv4: 14 * day,
	vigil.TypeIPv6: 14 * day,
	// Ranges belong to hosting providers that clean up, but more slowly than one address.
	vigil.TypeCIDR: 30 * day,
	// Malicious URLs are taken down or rotated within a few weeks.
	vigil.TypeURL: 30 * day,
	// Domains cost money to register and are kept for months, then lapse or are sinkholed.
	vigil.TypeDomain: 60 * day,
	// Sender addresses are reused for a campaign's whole life.
	vigil.TypeEmail: 90 * day,
	// A malware file name stays meaningful for long, but legitimate software may reuse it.
	vigil.TypeFilename: 180 * day,
	// A server certificate lives until it expires or the server moves: months (free
	// certificates last 90 days).
	vigil.TypeX509SHA1:   90 * day,
	vigil.TypeX509SHA256: 90 * day,
	// A TLS fingerprint names a client or server implementation: it lasts as long as the
	// malware's build, but ordinary software comes to share it over time.
	vigil.TypeJA3:  180 * day,
	vigil.TypeJA3S: 180 * day,
	vigil.TypeJA4:  180 * day,
	// File hashes are absent: a hash names the same bytes for ever, so it never decays.
}

// staleReasons says in words why each decaying type goes stale, for Why.
var staleReasons = map[vigil.IndicatorType]string{
	vigil.TypeIPv4:       "IP addresses go stale in weeks",
	vigil.TypeIPv6:       "IP addresses go stale in weeks",
	vigil.TypeCIDR:       "network ranges are cleaned up or reassigned within months",
	vigil.TypeURL:        "malicious web addresses are taken down within weeks",
	vigil.TypeDomain:     "malicious domains lapse or are taken over within months",
	vigil.TypeEmail:      "sender addresses are abandoned when a campaign ends",
	vigil.TypeFilename:   "file names are reused by legitimate software over time",
	vigil.TypeX509SHA1:   "certificates expire or are replaced within months",
	vigil.TypeX509SHA256: "certificates expire or are replaced within months",
	vigil.TypeJA3:        "TLS fingerprints come to be shared by ordinary software over time",
	vigil.TypeJA3S:       "TLS fingerprints come to be shared by ordinary software over time",
	vigil.TypeJA4:        "TLS fingerprints come to be shared by ordinary software over time",
}

// HalfLife is how long it takes an indicator of type t that nobody re-publishes or
// sights to lose half its score; 0 means it never decays (file hashes, unknown types).
func HalfLife(t vigil.IndicatorType) time.Duration { return halfLives[t] }

// Due reports whether a feed pulled every schedule and last pulled at lastPull should be
// pulled at now. A feed never pulled is due; a schedule of zero or less means the feed is
// only pulled on request.
func Due(schedule time.Duration, lastPull, now time.Time) bool {
	if lastPull.IsZero() {
		return true
	}
	return schedule > 0 && !now.Before(lastPull.Add(schedule))
}

// staleness is the reason an indicator of type t goes stale.
func staleness(t vigil.IndicatorType) string {
	if r, ok := staleReasons[t]; ok {
		return r
	}
	return "indicators of this type go stale"
}

// days writes a duration in whole days for people: "1 day", "41 days".
func days(d time.Duration) string {
	n := int64(d / day)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
