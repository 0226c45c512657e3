package posture

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// remindEvery is how often passed review dates are looked for: a reminder goes out
// within an hour of the day after the review date.
const remindEvery = time.Hour

// remindBatch bounds the reminders one pass writes; the rest wait for the next pass.
const remindBatch = 200

// Run sends reminders of passed review dates until ctx ends, on one server of several.
func (s *Service) Run(ctx context.Context) error {
	s.remindLoop(ctx, schedule.Sleep)
	return nil
}

func (s *Service) remindLoop(ctx context.Context, sleep func(context.Context, time.Duration) bool) {
	schedule.Every(ctx, s.once, "posture-reminders", remindEvery, sleep, func(ctx context.Context) {
		n, err := s.RemindDue(ctx)
		if err != nil {
			s.log.ErrorContext(ctx, "posture review reminders", slog.Any("error", err))
		}
		if n > 0 {
			s.log.InfoContext(ctx, "posture review reminders written", slog.Int("reminders", n))
		}
	})
}

// RemindDue writes a reminder to the outbox for every answer whose review date passed
// (before today, by the Service's clock) and was not reminded yet: once per item per
// review date, in one transaction per item with its audit entry, and only by the one
// server that marks it first. It returns how many it wrote.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	due, err := s.store.ReviewsDue(ctx, today, remindBatch)
	if err != nil {
		return 0, err
	}
	return schedule.Each(ctx, due, answerTarget, s.remind)
}

func (s *Service) remind(ctx context.Context, a vigil.PostureAnswer) (bool, error) {
	f, err := frameworks.Get(a.Framework)
	if err != nil {
		return false, err // an answer to a framework vigil no longer ships
	}
	it, _ := f.Item(a.Item)
	var done bool
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		done = false
		ok, err := tx.MarkReminded(ctx, a)
		if err != nil || !ok {
			return err
		}
		org, err := tx.GetOrg(ctx, a.Org)
		if err != nil {
			return err
		}
		to, err := tx.NamedRecipients(ctx, a.Org)
		if err != nil {
			return err
		}
		subject, body := reminderText(org, f, it, a)
		if _, _, err = tx.AddOutbox(ctx, vigil.OutboxEntry{Org: a.Org, Kind: vigil.OutboxReminder, Subject: subject, Body: body,
			Recipients: to, TLP: vigil.TLPAmber, DedupKey: "posture-review|" + answerTarget(a) + "|" + dateText(a)}); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, "system", "posture.remind", answerTarget(a), map[string]any{"review_date": dateText(a), "to": len(to)})
		done = err == nil
		return err
	})
	return done, err
}

// reminderText is a reminder's subject and plain-text body.
func reminderText(org vigil.Org, f frameworks.Framework, it frameworks.Item, a vigil.PostureAnswer) (subject, body string) {
	subject = fmt.Sprintf("Review due: %s item %s for %s", f.Title, it.ID, org.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "The review date of an item in %s's %s passed on %s.\n\n", org.Name, f.Title, a.ReviewDate.Format("2 January 2006"))
	fmt.Fprintf(&b, "Item %s: %s\nAnswer: %s\n", it.ID, it.Text, a.Grade.Label())
	if a.Owner != "" {
		fmt.Fprintf(&b, "Owner: %s\n", a.Owner)
	}
	b.WriteString("\nWhat to do now: sign in to vigil, open the posture page, check the item is still right and set its next review date. " +
		"If you are stuck, use \"Ask for help\" on the item to reach your Local Support Organisation.\n")
	return subject, b.String()
}
