package incidents

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/schedule"
	"github.com/vigil-health/vigil/internal/store"
)

// chaseEvery is how often missed report deadlines are looked for, as alert deadlines are.
const chaseEvery = time.Minute

// Run chases missed breach-report deadlines once a minute until ctx ends, on one
// server of several.
func (s *Service) Run(ctx context.Context) error {
	schedule.Every(ctx, s.once, "incident-report-deadlines", chaseEvery, schedule.Sleep, func(ctx context.Context) {
		if n, err := s.ChaseDeadlines(ctx); err != nil {
			s.log.ErrorContext(ctx, "incident report deadlines", slog.Any("error", err))
		} else if n > 0 {
			s.log.InfoContext(ctx, "incident report deadlines missed", slog.Int("chased", n))
		}
	})
	return nil
}

// ChaseDeadlines acts on every reportable breach past its 72-hour deadline and not
// recorded as reported: once per incident, it tells the organisation's administrators
// and the sector analysts (an escalation in the outbox) and records it in the timeline
// and the audit log, in one transaction per incident. The store's conditional update
// lets only one of two servers act. It returns how many it chased.
func (s *Service) ChaseDeadlines(ctx context.Context) (int, error) {
	now := s.clock()
	ids, err := s.store.ReportMissedIncidents(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	return schedule.Each(ctx, ids, target, func(ctx context.Context, id int64) (bool, error) { return s.chase(ctx, id, now) })
}

// chase chases incident id's missed deadline, unless that was done or it was reported meanwhile.
func (s *Service) chase(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		done = false
		inc, changed, err := tx.MarkIncidentChased(ctx, id, now)
		if err != nil || !changed {
			return err
		}
		to, err := tx.EscalationRecipients(ctx, inc.Org)
		if err != nil {
			return err
		}
		if len(to) > 0 {
			subject, body := chaseText(inc, to, now)
			_, _, err = tx.AddOutbox(ctx, vigil.OutboxEntry{Org: inc.Org, Kind: vigil.OutboxEscalation, Subject: subject, Body: body,
				Recipients: to, TLP: inc.TLP, DedupKey: "incident-report|" + strconv.FormatInt(id, 10)})
			if err != nil {
				return err
			}
		}
		note := fmt.Sprintf("the 72-hour deadline (%s) passed without the breach being reported; told %s", alerts.When(inc.ReportDueAt), alerts.AndList(to, nobodyTold))
		err = tx.AddIncidentEntry(ctx, vigil.IncidentEntry{Incident: id, At: now, Kind: vigil.EntryDeadline, By: "system", Note: note})
		if err != nil {
			return err
		}
		_, err = tx.Audit(ctx, "system", "incident.report_missed", target(id), map[string]any{"org": inc.Org, "due": inc.ReportDueAt, "to": to})
		done = err == nil
		return err
	})
	return done, err
}

// chaseText is the message about a missed deadline. What the incident is about is left
// out when it is marked TLP:RED, as alert escalations do.
func chaseText(inc vigil.Incident, to []string, now time.Time) (subject, body string) {
	subject = fmt.Sprintf("Overdue: the personal-data breach of incident %d has not been reported", inc.ID)
	var b strings.Builder
	fmt.Fprintf(&b, "Incident %d (%s) was assessed as a personal-data breach that must be reported to the Information "+
		"Commissioner within 72 hours of becoming aware of it. It was noticed on %s, so it was due by %s, and it is now %s late.\n\n",
		inc.ID, inc.Org, alerts.When(inc.NoticedAt), alerts.When(inc.ReportDueAt), now.Sub(inc.ReportDueAt).Round(time.Minute))
	if inc.TLP != vigil.TLPRed {
		fmt.Fprintf(&b, "The incident: %s\n\n", inc.Summary)
	}
	b.WriteString("What to do now:\n- Report it through the national reporting service (the DSPT incident reporting tool) today: " +
		"vigil's incident page has the report ready to paste, and a late report says why it is late.\n" +
		"- Then mark it reported in vigil, so that the centre knows.\n\n")
	fmt.Fprintf(&b, "This message went to the organisation's administrators and the sector centre's analysts: %s.\n", alerts.AndList(to, nobodyTold))
	return subject, b.String()
}

// nobodyTold is what a chase says it told when the organisation has no administrator
// and the centre no analyst.
const nobodyTold = "nobody (no administrator or analyst has an account)"
