package earlywarning

import (
	"context"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
)

// MaxUnroutedCount is where UnroutedWaiting stops counting: past it, the board says
// "at least" rather than reading the whole backlog.
const MaxUnroutedCount = 1000

// UnroutedWaiting counts the unrouted events waiting for an analyst, up to
// MaxUnroutedCount; sector roles only.
func (s *Service) UnroutedWaiting(ctx context.Context, p vigil.Principal) (int, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return 0, err
	}
	return s.store.CountUnrouted(ctx, MaxUnroutedCount)
}

// Assign gives unrouted event id to the organisation with ODS code ods: an analyst who
// knows whose address it is raises the alert that organisation would have had if it had
// registered the address, worded and marked as the event was, and the event leaves the
// waiting list. The alert is raised through the alerts service in the same transaction
// as the assignment and its audit entry (event.assign); sector roles only. An event
// assigned already is a conflict; an organisation that does not exist is invalid input.
// It does not register the address as the organisation's asset: that is a separate
// decision (orgs.Service.Update), which routes its future events.
func (s *Service) Assign(ctx context.Context, p vigil.Principal, id int64, ods string) (vigil.Alert, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Alert{}, err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil {
		return vigil.Alert{}, err
	}
	var al vigil.Alert
	var created bool
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		u, err := tx.GetUnrouted(ctx, id)
		if err != nil {
			return err
		}
		if u.AssignedOrg != "" {
			return vigil.Errorf(vigil.ECONFLICT, "unrouted event %d was assigned to %s by %s already", id, u.AssignedOrg, u.AssignedBy)
		}
		if _, err := tx.GetOrg(ctx, code); vigil.ErrorCode(err) == vigil.ENOTFOUND {
			return vigil.Errorf(vigil.EINVALID, "there is no organisation %s: check the ODS code of the organisation the address belongs to", code)
		} else if err != nil {
			return err
		}
		r := assignedAlert(code, u)
		var alertID int64
		if alertID, created, err = s.alerts.Raise(ctx, tx, r); err != nil {
			return err
		}
		if err := tx.AssignUnrouted(ctx, id, code, p.Email, alertID); err != nil {
			return err
		}
		if al, err = tx.GetAlert(ctx, alertID); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "event.assign", "unrouted/"+strconv.FormatInt(id, 10), map[string]any{
			"org": code, "observable": u.Event.Observable, "type": u.Event.Type, "alert": alertID, "new_alert": created})
		return err
	})
	if err != nil {
		return vigil.Alert{}, err
	}
	s.alerts.Counted(vigil.AlertEarlyWarning, 1)
	return al, nil
}

// assignedAlert is the alert org gets for unrouted event u: the one routing would have
// raised, counting u's repeats. An event kept before unrouted events recorded their TLP
// is marked TLP:AMBER: its reporter's marking is unknown, so it is shared less rather
// than more.
func assignedAlert(org string, u vigil.UnroutedEvent) alerts.Raising {
	ev := u.Event
	if ev.TLP == "" {
		ev.TLP = vigil.TLPAmber
	}
	r := eventAlert(org, ev)
	r.Alert.LastSeen = u.LastSeen
	r.Alert.Count = max(u.Count, 1)
	return r
}
