package alerts

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// maxDigestList bounds the alerts one digest lists; the rest are counted.
const maxDigestList = 100

// digestLoop is Run with the wait injected, so that tests drive it with a fake clock.
func (s *Service) digestLoop(ctx context.Context, sleep func(context.Context, time.Duration) bool) {
	for {
		at := lastDigestTime(s.now(), s.digestHour)
		s.once(ctx, "digest", 0, func(ctx context.Context) { s.writeDigestsLogged(ctx, at) })
		if !sleep(ctx, at.Add(24*time.Hour).Sub(s.now())) {
			return
		}
	}
}

// lastDigestTime is the latest digest time (hour:00 UTC) at or before now.
func lastDigestTime(now time.Time, hour int) time.Time {
	now = now.UTC()
	at := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC)
	if at.After(now) {
		at = at.AddDate(0, 0, -1)
	}
	return at
}

// WriteDigests writes the digest due at `at` into the outbox: one entry per organisation
// with alerts raised or repeated since its last digest, which then leave the digest
// queue. It returns how many organisations got one. Calling it again for the same day
// writes nothing more: alerts queued since wait for the next day.
func (s *Service) WriteDigests(ctx context.Context, at time.Time) (int, error) {
	at = at.UTC()
	written := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		written = 0
		items, err := tx.DigestQueue(ctx)
		if err != nil {
			return err
		}
		for start := 0; start < len(items); {
			end := start + 1
			for end < len(items) && items[end].Alert.Org == items[start].Alert.Org {
				end++
			}
			ok, err := s.writeDigest(ctx, tx, at, items[start:end])
			if err != nil {
				return err
			}
			if ok {
				written++
			}
			start = end
		}
		return nil
	})
	return written, err
}

// writeDigest writes one organisation's digest and clears what it lists; false when the
// organisation already has that day's digest.
func (s *Service) writeDigest(ctx context.Context, tx *store.Store, at time.Time, items []vigil.DigestItem) (bool, error) {
	org, err := tx.GetOrg(ctx, items[0].Alert.Org)
	if err != nil {
		return false, err
	}
	subject, body := digestText(org, at, items)
	_, created, err := tx.AddOutbox(ctx, vigil.OutboxEntry{Org: org.ODSCode, Kind: vigil.OutboxDigest, Subject: subject,
		Body: body, TLP: digestTLP(items), DedupKey: "digest|" + at.Format(time.DateOnly), DueAt: at})
	if err != nil || !created {
		return false, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.Alert.ID
	}
	return true, tx.ClearDigest(ctx, ids)
}

// digestText is the digest's subject and plain-text body: counts, then the alerts, most
// urgent first.
func digestText(org vigil.Org, at time.Time, items []vigil.DigestItem) (subject, body string) {
	fresh, bySev := 0, map[vigil.Severity]int{}
	for _, it := range items {
		if it.New {
			fresh++
		}
		bySev[it.Alert.Severity]++
	}
	again := len(items) - fresh
	subject = fmt.Sprintf("vigil daily digest for %s: %s, %s", org.Name, plural(fresh, "new alert"), plural(again, "alert")+" seen again")
	var b strings.Builder
	fmt.Fprintf(&b, "This is vigil's daily summary for %s (%s), up to %s.\n\n", org.Name, org.ODSCode, When(at))
	fmt.Fprintf(&b, "Since your last digest: %s, and %s seen again.\n", plural(fresh, "new alert"), plural(again, "earlier alert"))
	fmt.Fprintf(&b, "By severity: critical %d, high %d, medium %d, low %d.\n\n", bySev[vigil.SeverityCritical],
		bySev[vigil.SeverityHigh], bySev[vigil.SeverityMedium], bySev[vigil.SeverityLow])
	b.WriteString("Alerts, most urgent first:\n")
	for i, it := range sortedItems(items) {
		if i == maxDigestList {
			fmt.Fprintf(&b, "…and %d more.\n", len(items)-i)
			break
		}
		b.WriteString(digestLine(it))
	}
	b.WriteString("\nSign in to vigil to read each alert and what to do about it, and to record what you did. " +
		"This digest lists every alert, high and critical ones included: those were also e-mailed when they were raised " +
		"to the contacts who chose to hear of them at once, but not to those who chose the daily digest alone.\n")
	return subject, b.String()
}

// digestTLP is the marking of a digest: the strictest of the alerts whose titles it
// shows (an unmarked one counts as AMBER, an organisation's own business). TLP:RED
// alerts are listed without their titles (digestLine), so their marking does not
// carry over.
func digestTLP(items []vigil.DigestItem) vigil.TLP {
	out := vigil.TLP("")
	for i, it := range sortedItems(items) {
		if i == maxDigestList {
			break
		}
		t := it.Alert.TLP
		if t == vigil.TLPRed {
			continue
		}
		if t == "" {
			t = vigil.TLPAmber
		}
		out = vigil.Stricter(out, t)
	}
	if out == "" {
		out = vigil.TLPAmber
	}
	return out
}

// sortedItems orders the items by severity, most urgent first, keeping id order within one.
func sortedItems(items []vigil.DigestItem) []vigil.DigestItem {
	out := make([]vigil.DigestItem, 0, len(items))
	for rank := vigil.SeverityCritical.Rank(); rank >= 0; rank-- {
		for _, it := range items {
			if it.Alert.Severity.Rank() == rank {
				out = append(out, it)
			}
		}
	}
	return out
}

// digestLine: "- [High] A device at 192.0.2.7 may be infected (alert 42, new, seen 3 times, open)".
// A TLP:RED alert's title stays out of it: the digest goes to everyone at the organisation.
func digestLine(it vigil.DigestItem) string {
	a := it.Alert
	state := "seen again"
	if it.New {
		state = "new"
	}
	title := a.Title
	if a.TLP == vigil.TLPRed {
		// The digest goes to everyone at the organisation; TLP:RED is for named recipients.
		title = "An alert marked TLP:RED, for your organisation's administrators and named contacts only: they can read it in vigil"
	}
	return fmt.Sprintf("- [%s] %s (alert %d, %s, %s, %s)\n", SeverityWord(a.Severity), title, a.ID, state,
		plural(a.Count, "sighting"), a.Status)
}

// plural: "1 new alert", "3 new alerts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeDigestsLogged writes the digests due at at and logs what happened; writing a
// day's digest again is a no-op, and the job lease keeps servers from racing for it.
func (s *Service) writeDigestsLogged(ctx context.Context, at time.Time) {
	if n, err := s.WriteDigests(ctx, at); err != nil {
		s.log.ErrorContext(ctx, "daily digest", slog.Time("at", at), slog.Any("error", err))
	} else if n > 0 {
		s.log.InfoContext(ctx, "daily digest written", slog.Time("at", at), slog.Int("organisations", n))
	}
}
