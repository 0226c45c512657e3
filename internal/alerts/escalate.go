package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// escalateEvery is how often the escalation looks for deadlines that have passed: an
// alert is escalated within a minute of its deadline.
const escalateEvery = time.Minute

// escalateBatch bounds the alerts one pass acts on of each kind; any more wait for the
// next pass, a minute later, so that a server back after days away catches up steadily.
const escalateBatch = 500

// escalationLoop is the escalation part of Run, with the wait injected, so that tests
// drive it with a fake clock.
func (s *Service) escalationLoop(ctx context.Context, sleep func(context.Context, time.Duration) bool) {
	schedule.Every(ctx, s.once, "escalation", escalateEvery, sleep, s.escalateLogged)
}

// Escalate acts on the deadlines that have passed by now (the Service's clock): an alert
// still open after its acknowledge deadline is escalated, with a message to the
// organisation's administrators and the sector analysts (vigil.OutboxEscalation), and
// an alert unresolved after its remediation deadline is marked overdue, where the
// analysts' board (List with Overdue) finds it. Each happens once per alert, recorded in
// its history and the audit log in one transaction per alert: the store's conditional
// UPDATE lets only one of two servers escalating at once act. It returns how many
// alerts it escalated and marked overdue; an alert it could not act on is retried on
// the next pass.
func (s *Service) Escalate(ctx context.Context) (escalated, overdue int, err error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var errs []error
	escalated, errs = s.eachMissed(ctx, now, s.store.AckMissedAlerts, s.escalateAck, errs)
	overdue, errs = s.eachMissed(ctx, now, s.store.FixMissedAlerts, s.markFixOverdue, errs)
	return escalated, overdue, errors.Join(errs...)
}

// eachMissed runs act on each alert find lists, counting those it acted on and
// collecting the errors.
func (s *Service) eachMissed(ctx context.Context, now time.Time, find func(context.Context, time.Time, int) ([]int64, error),
	act func(context.Context, int64, time.Time) (bool, error), errs []error) (int, []error) {
	ids, err := find(ctx, now, escalateBatch)
	if err != nil {
		return 0, append(errs, err)
	}
	n, err := schedule.Each(ctx, ids, func(id int64) string { return "alert " + strconv.FormatInt(id, 10) },
		func(ctx context.Context, id int64) (bool, error) { return act(ctx, id, now) })
	if err != nil {
		errs = append(errs, err)
	}
	return n, errs
}

// escalateAck escalates alert id's missed acknowledge deadline, unless it was met or
// escalated meanwhile: false then.
func (s *Service) escalateAck(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		done = false
		al, changed, err := tx.MarkAckEscalated(ctx, id, now)
		if err != nil || !changed {
			return err
		}
		org, err := tx.GetOrg(ctx, al.Org)
		if err != nil {
			return err
		}
		to, err := tx.EscalationRecipients(ctx, al.Org)
		if err != nil {
			return err
		}
		if len(to) > 0 {
			subject, body := escalationText(org, al, to, now)
			_, _, err = tx.AddOutbox(ctx, vigil.OutboxEntry{Org: al.Org, Kind: vigil.OutboxEscalation, Subject: subject,
				Body: body, Recipients: to, AlertID: id, DedupKey: "escalation|" + strconv.FormatInt(id, 10)})
			if err != nil {
				return err
			}
		} else {
			s.log.WarnContext(ctx, "alert missed its acknowledge deadline and nobody could be told: the organisation has no administrator and the centre no analyst",
				slog.Int64("alert", id), slog.String("org", al.Org))
		}
		err = tx.AddAlertHistory(ctx, vigil.HistoryEntry{Alert: id, At: now, Kind: vigil.HistoryAckMissed, DueAt: al.AckDueAt, To: to})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, "system", "alert.escalate", target(id), map[string]any{"org": al.Org,
			"ack_due_at": al.AckDueAt, "to": nonNilStrings(to)})
		done = err == nil
		return err
	})
	return done, err
}

// markFixOverdue marks alert id overdue for remediation, unless it was resolved or
// marked meanwhile: false then.
func (s *Service) markFixOverdue(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		done = false
		al, changed, err := tx.MarkFixOverdue(ctx, id, now)
		if err != nil || !changed {
			return err
		}
		err = tx.AddAlertHistory(ctx, vigil.HistoryEntry{Alert: id, At: now, Kind: vigil.HistoryFixOverdue, DueAt: al.FixDueAt})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, "system", "alert.overdue", target(id), map[string]any{"org": al.Org, "remediate_due_at": al.FixDueAt})
		done = err == nil
		return err
	})
	return done, err
}

// escalationText is the escalation's subject and plain-text body: which alert, how late,
// what to do and who was told. The title of an alert marked TLP:RED stays out of it, as
// it does of the digest: the message also goes to the centre's analysts, and RED is for
// the organisation's named recipients, who read it in vigil.
func escalationText(org vigil.Org, a vigil.Alert, to []string, now time.Time) (subject, body string) {
	subject = fmt.Sprintf("Overdue: %s alert %d for %s has not been acknowledged", strings.ToLower(SeverityWord(a.Severity)), a.ID, org.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "Alert %d for %s (%s) has not been acknowledged. It was raised on %s and was due to be acknowledged by %s: "+
		"it is now %s late.\n\n", a.ID, org.Name, org.ODSCode, When(a.CreatedAt), When(a.AckDueAt), lateness(now.Sub(a.AckDueAt)))
	if a.TLP == vigil.TLPRed {
		b.WriteString("The alert is marked TLP:RED, so this message does not say what it is about: " +
			"the organisation's administrators and named contacts can read it in vigil.\n")
	} else {
		fmt.Fprintf(&b, "The alert (%s): %s\n", strings.ToLower(SeverityWord(a.Severity)), a.Title)
		if line := Sharing(a.TLP); line != "" {
			b.WriteString(line + "\n")
		}
	}
	if !a.FixDueAt.IsZero() {
		fmt.Fprintf(&b, "It should be dealt with and resolved by %s.\n", When(a.FixDueAt))
	}
	fmt.Fprintf(&b, "\nWhat to do now:\n"+
		"- Administrators of %s: sign in to vigil, read alert %d and acknowledge it, so that the sector centre knows "+
		"someone is dealing with it. Then do what it says, and resolve it with a note saying what you did.\n"+
		"- Sector analysts: make sure the organisation knows of it: call or email its contacts, and offer help "+
		"if it has nobody to act on it.\n\n", org.Name, a.ID)
	fmt.Fprintf(&b, "This message went to the organisation's administrators and the sector centre's analysts: %s.\n",
		AndList(to, "nobody"))
	return Shorten(subject, 300), b.String()
}

// lateness says how late something is, in the largest whole unit that reads naturally:
// "less than a minute", "5 minutes", "3 hours", "2 days".
func lateness(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

// nonNilStrings is s, or an empty list for nil, so that audit details read [] not null.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// escalateLogged is one pass of Escalate, logged.
func (s *Service) escalateLogged(ctx context.Context) {
	escalated, overdue, err := s.Escalate(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "alert deadlines", slog.Any("error", err))
	}
	if escalated+overdue > 0 {
		s.log.InfoContext(ctx, "alert deadlines passed", slog.Int("escalated", escalated), slog.Int("overdue", overdue))
	}
}
