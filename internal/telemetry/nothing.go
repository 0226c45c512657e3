package telemetry

import "fmt"

// NothingToLookUp says what to check when events parsed but none held a value vigil
// looks up: the wrong fields or format, which would otherwise pass without a word, a
// sensor's push answered 200 and a hunt reporting nothing found.
func NothingToLookUp(events int64) string {
	which := fmt.Sprintf("none of the %d events held a value", events)
	if events == 1 {
		which = "the one event held no value"
	}
	return which + " vigil looks up (an IP address, domain name, URL, hash or TLS fingerprint): " +
		"check the format and the fields: vigil reads ECS, Sysmon, Zeek, Suricata eve and osquery, " +
		"and any JSON whose values are such"
}
