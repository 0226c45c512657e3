package earlywarning

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/warn"
)

// maxTitleObservable is how much of an observable (a long URL) a title quotes.
const maxTitleObservable = 120

// eventAlert is the alert an organisation gets for a partner's threat event about one
// of its assets: what was seen, when, by whom, how far it may be shared, and what to do,
// in words a care manager without IT staff can act on. A repeat from other partners, or
// marked more strictly, is worded again from the merged sources and TLP.
func eventAlert(org string, ev vigil.ThreatEvent) alerts.Raising {
	obs := alerts.Shorten(ev.Observable, maxTitleObservable)
	words := func(m vigil.Alert) (string, string) {
		return alerts.Shorten(eventTitle(ev, obs), 300), eventBody(ev, m.Sources, m.TLP)
	}
	return alerts.Worded(vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: ev.Severity,
		Observable: ev.Observable, Sources: []string{ev.Source}, TLP: ev.TLP, FirstSeen: ev.Time, LastSeen: ev.Time,
		DedupKey: warn.DedupKey(org, ev)}, words)
}

// eventTitle says in one line what was reported about obs.
func eventTitle(ev vigil.ThreatEvent, obs string) string {
	switch ev.Type {
	case warn.EventCompromise:
		return "A device at " + obs + " may be infected"
	case warn.EventBotnet:
		return "A device at " + obs + " appears to be part of a botnet"
	case warn.EventOpenPort:
		return obs + " is open to the internet on " + portPhrase(ev)
	case warn.EventVulnerableService:
		if ev.CVE != "" {
			return obs + " runs a service with a known vulnerability (" + ev.CVE + ")"
		}
		return obs + " runs a service with a known vulnerability"
	case warn.EventPhishing:
		return obs + " was reported for phishing"
	case warn.EventMalware:
		return obs + " was reported for spreading malware"
	case warn.EventDefacement:
		return "Your website " + obs + " was reported defaced"
	case warn.EventLeakedCredentials:
		return "Passwords for " + obs + " were published"
	case warn.EventAbuse, warn.EventScan, warn.EventBruteForce, warn.EventSpam:
		return obs + " was reported for " + typeWords(ev.Type)
	}
	return obs + " was reported: " + typeWords(ev.Type)
}

// eventBody explains what was seen, who reported it (sources), how far it may be
// shared (tlp) and what to do about it.
func eventBody(ev vigil.ThreatEvent, sources []string, tlp vigil.TLP) string {
	var b strings.Builder
	fmt.Fprintf(&b, "What was seen: %s reported %s involving %s, %s, seen on %s.",
		alerts.AndList(sources, ev.Source), typeWords(ev.Type), ev.Observable, assetPhrase(ev.ObservableType), alerts.When(ev.Time))
	if d := eventDetail(ev); d != "" {
		b.WriteString(" " + d)
	}
	if ev.Description != "" {
		fmt.Fprintf(&b, "\n\nTheir description: %q", ev.Description)
	}
	if line := alerts.Sharing(tlp); line != "" {
		b.WriteString("\n\n" + line)
	}
	b.WriteString("\n\nWhat to do: " + eventAction(ev))
	b.WriteString("\n\nIf this address or name is no longer yours, tell the sector centre so that your registered assets can be corrected.")
	return b.String()
}

// eventDetail lists the port, service and vulnerability the event names.
func eventDetail(ev vigil.ThreatEvent) string {
	var parts []string
	if ev.Port != 0 || ev.Service != "" {
		parts = append(parts, "It involved "+portPhrase(ev)+".")
	}
	if ev.CVE != "" {
		parts = append(parts, "The vulnerability is "+ev.CVE+" (look it up at https://www.cve.org/CVERecord?id="+ev.CVE+").")
	}
	return strings.Join(parts, " ")
}

// eventAction is the advice for each kind of event.
func eventAction(ev vigil.ThreatEvent) string {
	switch ev.Type {
	case warn.EventCompromise, warn.EventBotnet:
		return "a device on this address may be infected. Find it (your IT supplier or your firewall can tell you which device uses the address), " +
			"isolate it by unplugging it from the network or turning off its Wi-Fi, and have it checked and cleaned or rebuilt before it goes back. " +
			"Change the passwords that were used on it. Ask your IT supplier or the sector centre for help if you need it."
	case warn.EventOpenPort:
		return "close " + portPhrase(ev) + " to the internet, or put it behind a VPN, unless it truly must be public. " +
			"Remote desktop (RDP), file sharing (SMB) and database ports should never be reachable from the internet. " +
			"Ask your IT supplier to check the firewall and confirm when it is closed."
	case warn.EventVulnerableService:
		return "patch or upgrade the service on " + portPhrase(ev) + vulnPhrase(ev) + " now, or take it off the internet until it is patched. " +
			"Ask your IT supplier to confirm the fix and to check the system for signs that it was already broken into."
	case warn.EventPhishing, warn.EventMalware:
		return "someone may be using your website or name to trick people or to spread harmful files. Ask whoever runs the website to look for pages " +
			"or files you did not put there and remove them, change the website's passwords, and warn staff not to enter passwords after following links in emails."
	case warn.EventDefacement:
		return "take the website offline or restore it from a clean backup, change all its passwords, and ask whoever runs it to find out how it was changed."
	case warn.EventLeakedCredentials:
		return "make the people whose accounts are affected change their passwords now, starting with email, and turn on multi-factor authentication " +
			"(a code from a phone app) wherever you can. Tell the sector centre if you see sign-ins you do not recognise."
	case warn.EventSpam:
		return "an email account or device on this address is probably sending spam: change the passwords of your email accounts, turn on multi-factor " +
			"authentication, and have any device on the address checked for infection."
	case warn.EventAbuse, warn.EventScan, warn.EventBruteForce:
		return "a device on this address is attacking other systems, which usually means it is infected or misused. Find it, isolate it from the network " +
			"and have it checked; change the passwords used on it."
	}
	return "ask your IT supplier to check the system at this address or name, and tell the sector centre what you find."
}

// portPhrase names the port and service, as far as the event states them.
func portPhrase(ev vigil.ThreatEvent) string {
	switch {
	case ev.Port != 0 && ev.Service != "":
		return "port " + strconv.Itoa(ev.Port) + " (" + ev.Service + ")"
	case ev.Port != 0:
		return "port " + strconv.Itoa(ev.Port)
	case ev.Service != "":
		return "its " + ev.Service + " service"
	}
	return "an exposed port"
}

func vulnPhrase(ev vigil.ThreatEvent) string {
	if ev.CVE == "" {
		return ""
	}
	return " against " + ev.CVE
}

// assetPhrase says how the observable is the organisation's.
func assetPhrase(t vigil.IndicatorType) string {
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		return "one of your organisation's IP addresses"
	case vigil.TypeURL:
		return "a web address on one of your organisation's domains or addresses"
	}
	return "one of your organisation's domain names"
}

// typeWords turns an event type such as brute_force into words.
func typeWords(t string) string {
	switch t {
	case warn.EventCompromise:
		return "signs of infection"
	case warn.EventBotnet:
		return "botnet activity"
	case warn.EventVulnerableService:
		return "a vulnerable service"
	case warn.EventOpenPort:
		return "an open port"
	case warn.EventBruteForce:
		return "brute force (password guessing against other systems)"
	case warn.EventLeakedCredentials:
		return "leaked passwords"
	case warn.EventScan:
		return "scanning"
	}
	return strings.ReplaceAll(t, "_", " ")
}
