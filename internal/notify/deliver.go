package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Round counts what one delivery round did.
type Round struct {
	// Planned is how many outbox entries were planned into deliveries.
	Planned int
	// Delivered and Failed count the attempts that succeeded and failed.
	Delivered, Failed int
}

// DeliverDue does one round: it plans the outbox entries that are due, then tries the
// e-mails and webhook posts whose next attempt is due. Run calls it on a timer; tests
// call it with their own clock.
func (s *Service) DeliverDue(ctx context.Context) (Round, error) {
	var r Round
	var err error
	if r.Planned, err = s.plan(ctx); err != nil {
		return r, err
	}
	if err := s.deliverEmails(ctx, &r); err != nil {
		return r, err
	}
	return r, s.deliverWebhooks(ctx, &r)
}

// deliverEmails tries the e-mails that are due.
func (s *Service) deliverEmails(ctx context.Context, r *Round) error {
	ds, err := s.store.ClaimDeliveries(ctx, store.EmailDeliveries, s.now().UTC(), lease, batch)
	if err != nil {
		return err
	}
	entries := map[int64]vigil.OutboxEntry{}
	for _, d := range ds {
		e, ok := entries[d.OutboxID]
		if !ok {
			if e, err = s.store.GetOutbox(ctx, d.OutboxID); err != nil {
				return err
			}
			entries[d.OutboxID] = e
		}
		file, sendErr := s.sendMail(ctx, e, d)
		o := store.Outcome{At: s.now().UTC(), File: file}
		if sendErr != nil {
			o.Err = sendErr.Error()
			if !permanent(sendErr) {
				o.Retry = o.At.Add(mailBackoff(d.Attempts + 1))
			}
			s.log.WarnContext(ctx, "e-mail not delivered", slog.Int64("outbox", e.ID), slog.Int64("delivery", d.ID),
				slog.Int("attempt", d.Attempts+1), slog.Bool("given_up", o.Retry.IsZero()), slog.Any("error", sendErr))
		}
		if err := s.store.RecordAttempt(ctx, store.EmailDeliveries, d.ID, o); err != nil {
			return err
		}
		count(r, sendErr)
	}
	return nil
}

// sendMail builds and sends e-mail delivery d of entry e.
func (s *Service) sendMail(ctx context.Context, e vigil.OutboxEntry, d vigil.Delivery) (string, error) {
	m, err := s.message(e, d.Recipient)
	if err != nil {
		return "", err
	}
	return s.mailer.send(ctx, m, emlName(e.ID, d.Recipient))
}

// deliverWebhooks tries the webhook posts that are due.
func (s *Service) deliverWebhooks(ctx context.Context, r *Round) error {
	ds, err := s.store.ClaimDeliveries(ctx, store.WebhookDeliveries, s.now().UTC(), lease, batch)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if _, err := s.attemptWebhook(ctx, d, r); err != nil {
			return err
		}
	}
	return nil
}

// attemptWebhook posts delivery d and records how it went; it returns the delivery as
// recorded.
func (s *Service) attemptWebhook(ctx context.Context, d vigil.Delivery, r *Round) (vigil.Delivery, error) {
	w, err := s.store.GetWebhook(ctx, d.WebhookID)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return d, nil // deleted since it was claimed; its deliveries went with it
	}
	if err != nil {
		return d, err
	}
	status, postErr := s.post(ctx, w, d)
	o := store.Outcome{At: s.now().UTC(), Status: status}
	if postErr != nil {
		o.Err = postErr.Error()
		if d.MaxAttempts == 0 || d.Attempts+1 < d.MaxAttempts {
			o.Retry = o.At.Add(webhookBackoff(d.Attempts + 1))
		}
		s.log.WarnContext(ctx, "webhook not delivered", slog.Int64("webhook", w.ID), slog.String("to", vigil.RedactWebhookURL(w.URL)),
			slog.Int64("delivery", d.ID), slog.Int("attempt", d.Attempts+1), slog.Bool("dead", o.Retry.IsZero()), slog.Any("error", postErr))
	}
	if err := s.store.RecordAttempt(ctx, store.WebhookDeliveries, d.ID, o); err != nil {
		return d, err
	}
	count(r, postErr)
	return s.store.GetDelivery(ctx, store.WebhookDeliveries, d.ID)
}

func count(r *Round, err error) {
	if r == nil {
		return
	}
	if err != nil {
		r.Failed++
	} else {
		r.Delivered++
	}
}

// webhookBackoff is the wait after a webhook's n-th failure: 30 s, doubling.
func webhookBackoff(n int) time.Duration {
	return webhookFirstRetry << min(max(n-1, 0), 20)
}

// mailBackoff is the wait after an e-mail's n-th failure: 1 min, doubling, at most an hour.
func mailBackoff(n int) time.Duration {
	return min(mailFirstRetry<<min(max(n-1, 0), 20), mailMaxRetry)
}
