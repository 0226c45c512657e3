package incidents

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
)

// AssessBreach records incident id's personal-data breach assessment on the DSPT grid:
// the centre, or the organisation's administrator. When the grid says it is reportable
// the 72-hour deadline from when it was noticed is set (and chased if missed); when a
// reassessment says it is not, the deadline goes.
func (s *Service) AssessBreach(ctx context.Context, p vigil.Principal, id int64, b vigil.BreachAssessment) (vigil.Incident, error) {
	if err := p.Need(assessors...); err != nil {
		return vigil.Incident{}, err
	}
	if err := b.CheckGrid(); err != nil {
		return vigil.Incident{}, err
	}
	note, err := vigil.Text("the note", b.Note, 4000, false)
	if err != nil {
		return vigil.Incident{}, err
	}
	var inc vigil.Incident
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		cur, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := ownOrSector(p, cur); err != nil {
			return err
		}
		b = vigil.BreachAssessment{Likelihood: b.Likelihood, Severity: b.Severity, Note: note, By: p.Email, At: s.clock()}
		if cur.Breach != nil {
			b.ReportedAt = cur.Breach.ReportedAt
		}
		cur.Breach, cur.ReportDueAt = &b, b.ReportDue(cur.NoticedAt)
		if inc, err = tx.UpdateIncident(ctx, cur); err != nil {
			return err
		}
		return entry(ctx, tx, p, id, vigil.EntryBreach, breachWords(b, cur), "incident.breach",
			map[string]any{"org": cur.Org, "likelihood": b.Likelihood, "severity": b.Severity, "reportable": b.Reportable()})
	})
	return inc, err
}

// breachWords is the timeline's account of an assessment.
func breachWords(b vigil.BreachAssessment, i vigil.Incident) string {
	s := fmt.Sprintf("likelihood %d (%s), severity %d (%s): ", b.Likelihood, vigil.BreachLikelihoods[b.Likelihood],
		b.Severity, vigil.BreachSeverities[b.Severity])
	switch {
	case b.NotifyDHSC():
		s += "reportable to the ICO, and the Department of Health and Social Care is told, by " + alerts.When(i.ReportDueAt)
	case b.Reportable():
		s += "reportable to the ICO through the national reporting service by " + alerts.When(i.ReportDueAt)
	default:
		s += "not reportable; keep a record of why"
	}
	if b.Note != "" {
		s += ". " + b.Note
	}
	return s
}

// MarkBreachReported records that incident id's breach was reported to the national
// reporting service, which meets its deadline.
func (s *Service) MarkBreachReported(ctx context.Context, p vigil.Principal, id int64) (vigil.Incident, error) {
	if err := p.Need(assessors...); err != nil {
		return vigil.Incident{}, err
	}
	var inc vigil.Incident
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		cur, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := ownOrSector(p, cur); err != nil {
			return err
		}
		if cur.Breach == nil || !cur.Breach.Reportable() {
			return vigil.Errorf(vigil.ECONFLICT, "incident %d has no reportable breach assessment: assess it first", id)
		}
		if !cur.Breach.ReportedAt.IsZero() {
			inc = cur
			return nil
		}
		cur.Breach.ReportedAt = s.clock()
		if inc, err = tx.UpdateIncident(ctx, cur); err != nil {
			return err
		}
		late := ""
		if cur.Breach.ReportedAt.After(cur.ReportDueAt) {
			late = " (after the 72-hour deadline)"
		}
		return entry(ctx, tx, p, id, vigil.EntryBreachReport, "reported to the national reporting service"+late,
			"incident.breach_reported", map[string]any{"org": cur.Org, "due": cur.ReportDueAt})
	})
	return inc, err
}
