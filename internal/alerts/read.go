package alerts

import (
	"context"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Get returns alert id when p may see it. An alert p may not see is not found, in the
// same words as one that does not exist, so that alert numbers tell a caller nothing.
func (s *Service) Get(ctx context.Context, p vigil.Principal, id int64) (vigil.Alert, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.Alert{}, err
	}
	return visible(ctx, s.store, p, id)
}

// List returns a page of the alerts p may see that f selects, in f.Sort's order (newest
// raised first by default), and the cursor of the next page ("" on the last). Sector
// roles see every organisation's, and f.Org goes to the store as given (an unknown code
// lists nothing); organisation roles see their own; a supplier its own and its customers' (but not their TLP:AMBER+STRICT
// or TLP:RED ones). The audience is part of the query, so a page and its cursor hold
// nothing hidden. Naming an organisation p may not see is not found.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.AlertFilter) ([]vigil.Alert, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	if f.Org, err = aud.PickOrg(f.Org); err != nil {
		return nil, "", err
	}
	f.Audience = &aud
	return s.store.ListAlerts(ctx, f)
}

// visible reads alert id through st (the store, or the transaction a change runs in)
// when p may see it, and answers not found otherwise.
func visible(ctx context.Context, st *store.Store, p vigil.Principal, id int64) (vigil.Alert, error) {
	aud, err := st.Audience(ctx, p)
	if err != nil {
		return vigil.Alert{}, err
	}
	al, err := st.GetAlert(ctx, id)
	if err != nil {
		return vigil.Alert{}, err
	}
	if !aud.SeesAlert(al) {
		return vigil.Alert{}, vigil.Errorf(vigil.ENOTFOUND, "no alert %d", id)
	}
	return al, nil
}

// History returns alert id's timeline, oldest first, when p may see the alert (the same
// check as Get): raised, repeated, severity and TLP raised, acknowledged, resolved,
// and the deadlines it missed. Who an escalation went to is for the centre and the
// organisation itself: a supplier reading a customer's alert sees that it was
// escalated, not to whom.
func (s *Service) History(ctx context.Context, p vigil.Principal, id int64) ([]vigil.HistoryEntry, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, err
	}
	al, err := visible(ctx, s.store, p, id)
	if err != nil {
		return nil, err
	}
	h, err := s.store.AlertHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.CanSeeOrg(al.Org) {
		for i := range h {
			h[i].To = nil
		}
	}
	return h, nil
}

// DefaultAckWindow is the window of AckTimes when none is given; MaxAckWindow the
// longest it may be.
const (
	DefaultAckWindow = 30 * 24 * time.Hour
	MaxAckWindow     = 366 * 24 * time.Hour
)

// AckTimes returns the sector's time-to-acknowledge figures, per severity, for the
// alerts raised at or after from and before to: how many were raised and acknowledged,
// the median and 90th percentile time to acknowledge, how many were acknowledged by
// their deadline and how many are overdue now. It is for the sector centre's overview.
// A zero to means now, a zero from DefaultAckWindow before to; the window may be at most
// MaxAckWindow long.
func (s *Service) AckTimes(ctx context.Context, p vigil.Principal, from, to time.Time) (vigil.AckReport, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.AckReport{}, err
	}
	to = timeOr(to, s.now()).UTC().Truncate(time.Microsecond)
	from = timeOr(from, to.Add(-DefaultAckWindow)).UTC().Truncate(time.Microsecond)
	switch {
	case !from.Before(to):
		return vigil.AckReport{}, vigil.Errorf(vigil.EINVALID, "the window starts (%s) at or after it ends (%s): give from before to", When(from), When(to))
	case to.Sub(from) > MaxAckWindow:
		return vigil.AckReport{}, vigil.Errorf(vigil.EINVALID, "the window from %s to %s is longer than 366 days: give a shorter one", When(from), When(to))
	}
	figs, err := s.store.AckTimes(ctx, from, to)
	return vigil.AckReport{From: from, To: to, Severities: figs}, err
}

// timeOr is t, or def when t is zero.
func timeOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}
