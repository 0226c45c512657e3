package earlywarning

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/warn"
)

// WarnOnIndicators raises Early Warning alerts for organisations whose assets the
// indicators touch: an organisation's address on a botnet list, its domain in a
// phishing feed. An organisation gets one alert per indicator per day, however many
// sources list it. Failures are logged: the indicators are stored either way.
func (s *Service) WarnOnIndicators(ctx context.Context, added []vigil.Indicator) {
	router := s.Router()
	if router.Stats().Claims == 0 || len(added) == 0 {
		return
	}
	var batch []alerts.Raising
	var orgs []string
	now := s.now()
	for _, e := range alerts.MergeListings(added) {
		orgs = router.Covering(e.Type, e.Value, orgs[:0])
		for _, org := range orgs {
			batch = append(batch, feedAlert(org, e, now))
		}
		if len(batch) >= eventBatch {
			s.raiseFeedAlerts(ctx, batch)
			batch = batch[:0]
		}
	}
	s.raiseFeedAlerts(ctx, batch)
}

// raiseFeedAlerts commits one batch of feed alerts.
func (s *Service) raiseFeedAlerts(ctx context.Context, batch []alerts.Raising) {
	if len(batch) == 0 {
		return
	}
	raised := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		for _, a := range batch {
			if _, _, err := s.alerts.Raise(ctx, tx, a); err != nil {
				return err
			}
		}
		raised = len(batch)
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "early warning on new indicators", slog.Int("alerts", len(batch)), slog.Any("error", err))
		return
	}
	s.alerts.Counted(vigil.AlertEarlyWarning, raised)
}

// feedAlert is the alert org gets because a feed lists something of its own. A repeat
// from other lists or publishers, or marked more strictly, is worded again from the
// merged sources, publishers and TLP.
func feedAlert(org string, e *alerts.Listing, now time.Time) alerts.Raising {
	sev := vigil.SeverityHigh
	if e.Type == vigil.TypeCIDR || e.Confidence >= 0 && e.Confidence < 50 {
		sev = vigil.SeverityMedium // a whole network listed, or sources unsure
	}
	key := warn.DedupKey(org, vigil.ThreatEvent{Type: "indicator", Observable: string(e.Type) + ":" + e.Value, Time: now})
	listing := *e
	words := func(m vigil.Alert) (string, string) {
		l := listing
		l.Sources, l.Publishers, l.TLP = m.Sources, m.Publishers, m.TLP
		return alerts.Shorten(feedTitle(&l), 300), feedBody(&l)
	}
	return alerts.Worded(vigil.Alert{Org: org, Kind: vigil.AlertEarlyWarning, Severity: sev, Observable: e.Value,
		Indicator: e.Value, Sources: e.Sources, Publishers: e.Publishers, TLP: e.TLP, FirstSeen: now, LastSeen: now, DedupKey: key}, words)
}

// feedTitle: "One of your IP addresses, 198.51.100.7, is on the abuse.ch list (botnet)".
func feedTitle(e *alerts.Listing) string {
	v := alerts.Shorten(e.Value, maxTitleObservable)
	var what string
	switch e.Type {
	case vigil.TypeIPv4, vigil.TypeIPv6:
		what = "One of your IP addresses, " + v + ", is"
	case vigil.TypeCIDR:
		what = "A network that includes your IP addresses, " + v + ", is"
	case vigil.TypeURL:
		what = "A web address on one of your websites, " + v + ", is"
	case vigil.TypeEmail:
		what = "An email address at your domain, " + v + ", is"
	default:
		what = "The domain name " + v + ", part of your registered domains, is"
	}
	title := what + " on " + listPhrase(e.Sources)
	if labels := vigil.PlainLabels(e.Labels); len(labels) > 0 {
		title += " (" + strings.Join(labels, ", ") + ")"
	}
	return title
}

// listPhrase names the lists: "the abuse.ch list", "the abuse.ch and Spamhaus lists".
func listPhrase(sources []string) string {
	switch len(sources) {
	case 0:
		return "a threat intelligence list"
	case 1:
		return "the " + sources[0] + " list"
	}
	return "the " + alerts.AndList(sources, "") + " lists"
}

// feedBody explains what was seen, how far it may be shared and what to do.
func feedBody(e *alerts.Listing) string {
	var b strings.Builder
	fmt.Fprintf(&b, "What was seen: %s appears in threat intelligence from %s", e.Value, sourcesPhrase(e.Sources, e.Publishers))
	if labels := vigil.PlainLabels(e.Labels); len(labels) > 0 {
		fmt.Fprintf(&b, ", labelled %s", strings.Join(labels, ", "))
	}
	b.WriteString(". vigil checks every new feed entry against the IP ranges and domain names your organisation registered, and this one matches them.")
	if line := alerts.Sharing(e.TLP); line != "" {
		b.WriteString("\n\n" + line)
	}
	b.WriteString("\n\nWhat to do: " + feedAction(e.Type))
	b.WriteString("\n\nIf this address or name is no longer yours, tell the sector centre so that your registered assets can be corrected.")
	return b.String()
}

// sourcesPhrase names the feeds and, beside them, who published the entry inside the
// data (a STIX identity, a MISP event's creator), as sighting alerts do: the feed is how
// it came, the publisher whom to ask about it.
func sourcesPhrase(sources, publishers []string) string {
	s := "a source the sector centre subscribes to"
	if len(sources) > 0 {
		s = strings.Join(sources, ", ")
	}
	if len(publishers) > 0 {
		s += " (published by " + alerts.AndList(publishers, "") + ")"
	}
	return s
}

// feedAction is the advice for an address or a name on a threat list.
func feedAction(t vigil.IndicatorType) string {
	switch t {
	case vigil.TypeIPv4, vigil.TypeIPv6, vigil.TypeCIDR:
		return "lists like this usually mean a device on the address is infected, is being used to attack others, or exposes a service attackers abuse. " +
			"Find which device uses the address (your IT supplier or your firewall can tell you), isolate it from the network and have it checked and cleaned. " +
			"Once it is clean, the sector centre can help you ask the list's publisher to remove the address."
	}
	return "your domain name, website or email may be being misused for phishing, spam or malware, or an account may have been taken over. " +
		"Ask whoever runs your website and email to look for pages, files or accounts you did not create, change their passwords and turn on " +
		"multi-factor authentication, and warn staff about unexpected emails that ask for passwords."
}
