package sightings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
)

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
	case vigil.TypeX509SHA1, vigil.TypeX509SHA256:
		return "was sent the TLS certificate with fingerprint"
	case vigil.TypeJA3, vigil.TypeJA4:
		return "made a TLS connection with the client fingerprint"
	case vigil.TypeJA3S:
		return "reached a TLS server with the fingerprint"
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
	if t.IsFingerprint() {
		return "What to do: find the computer and the connection in your sensor's logs for that day (they name " +
			"the addresses), disconnect the computer from the network, and ask your IT support or the sector " +
			"security centre to check it: the fingerprint is one known malware uses to talk to its controllers."
	}
	return "What to do: find the computer (your sensor's logs for that day name it), disconnect it from the " +
		"network if it is still in contact with " + observable + ", and ask your IT support or the sector " +
		"security centre to check it. Block " + observable + " at your firewall, web filter or DNS filter."
}

// sightingAlert is the alert for one observable of org's telemetry that matched an
// indicator on day, seen count times in this upload, first and last at those event
// times. A repeat listed by other sources or publishers, or marked more strictly, is
// worded again from the merged sources, publishers, TLP and seen times.
func sightingAlert(org, orgName string, day time.Time, t vigil.IndicatorType, observable string, l *alerts.Listing,
	count int64, first, last time.Time) alerts.Raising {
	what := observable
	if observable != l.Value {
		what += " (" + within(l.Type) + " " + l.Value + ")"
	}
	title := clipText(fmt.Sprintf("A computer at %s %s %s", orgName, action(t), observable), 300)
	listing := *l
	words := func(m vigil.Alert) (string, string) {
		l := listing
		l.Sources, l.Publishers, l.TLP = m.Sources, m.Publishers, m.TLP
		body := fmt.Sprintf("A computer at %s %s %s, listed by %s as %s. Your sensor's telemetry shows it %s. %s",
			orgName, action(t), what, l.Who(), l.As(), timeRange(m.FirstSeen, m.LastSeen), nextSteps(observable, t))
		return title, withSharing(body, l.TLP)
	}
	return alerts.Worded(vigil.Alert{Org: org, Kind: vigil.AlertSighting, Severity: l.Severity(),
		Observable: observable, Indicator: l.Value, Sources: l.Sources, Publishers: l.Publishers, TLP: l.TLP, Count: int(count),
		FirstSeen: first, LastSeen: last,
		DedupKey: dedupKey("sighting", day.Format(time.DateOnly), string(t), observable, string(l.Type), l.Value)}, words)
}

// withSharing ends body with the line saying how far the alert may be shared, when it
// is marked.
func withSharing(body string, tlp vigil.TLP) string {
	if line := alerts.Sharing(tlp); line != "" {
		return body + "\n\n" + line
	}
	return body
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

// timeRange says when events were seen, to the minute in UTC: "at 09:01 UTC on 9
// November 2025", "between 09:01 and 17:45 UTC on 9 November 2025", or with both dates
// when they differ.
func timeRange(first, last time.Time) string {
	first, last = first.UTC().Truncate(time.Minute), last.UTC().Truncate(time.Minute)
	const clock, date = "15:04", "2 January 2006"
	switch {
	case first.Equal(last):
		return "at " + first.Format(clock) + " UTC on " + first.Format(date)
	case vigil.DayOf(first).Equal(vigil.DayOf(last)):
		return "between " + first.Format(clock) + " and " + last.Format(clock) + " UTC on " + last.Format(date)
	}
	return "between " + first.Format(clock) + " UTC on " + first.Format(date) + " and " + last.Format(clock) + " UTC on " + last.Format(date)
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
