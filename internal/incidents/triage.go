package incidents

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Triage is what an analyst decides about an incident; nil fields stay as they are.
type Triage struct {
	// Category is the NCSC category, 1–6.
	Category *vigil.NCSCCategory
	// Severity is how urgent it is.
	Severity *vigil.Severity
	// Assignee is the analyst handling it (an e-mail address; empty to unassign).
	Assignee *string
	// TLP is how far what the report says may be shared.
	TLP *vigil.TLP
	// SharedWithSuppliers lets the organisation's suppliers read it.
	SharedWithSuppliers *bool
}

// Triage records an analyst's decisions about incident id, in its timeline.
func (s *Service) Triage(ctx context.Context, p vigil.Principal, id int64, t Triage) (vigil.Incident, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Incident{}, err
	}
	if err := t.check(); err != nil {
		return vigil.Incident{}, err
	}
	var inc vigil.Incident
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.GetIncident(ctx, id)
		if err != nil {
			return err
		}
		next, changes := t.apply(cur)
		if len(changes) == 0 {
			inc = cur
			return nil
		}
		if inc, err = tx.UpdateIncident(ctx, next); err != nil {
			return err
		}
		return entry(ctx, tx, p, id, vigil.EntryTriaged, strings.Join(changes, "; "), "incident.triage",
			map[string]any{"org": cur.Org, "changes": changes})
	})
	return inc, err
}

// check checks each decision given.
func (t Triage) check() error {
	var bad []vigil.FieldProblem
	if t.Category != nil && !t.Category.Valid() {
		bad = append(bad, vigil.FieldProblem{Field: "category", Message: "Choose an NCSC category from 1 (national cyber emergency) to 6 (localised incident)"})
	}
	if t.Severity != nil && t.Severity.Rank() == 0 {
		bad = append(bad, vigil.FieldProblem{Field: "severity", Message: "Choose a severity: low, medium, high or critical"})
	}
	if t.Assignee != nil && *t.Assignee != "" {
		if a, err := mail.ParseAddress(*t.Assignee); err != nil || a.Address != *t.Assignee {
			bad = append(bad, vigil.FieldProblem{Field: "assignee", Message: "Give the analyst's e-mail address, or leave it empty"})
		}
	}
	if t.TLP != nil && t.TLP.Rank() == 0 {
		bad = append(bad, vigil.FieldProblem{Field: "tlp", Message: "Choose a TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED"})
	}
	if len(bad) > 0 {
		return &vigil.InvalidFields{Problems: bad}
	}
	return nil
}

// apply returns i with the decisions made and the changes in words.
func (t Triage) apply(i vigil.Incident) (vigil.Incident, []string) {
	var changes []string
	if t.Category != nil && *t.Category != i.Category {
		i.Category = *t.Category
		changes = append(changes, fmt.Sprintf("category %d (%s)", i.Category, i.Category.Name()))
	}
	if t.Severity != nil && *t.Severity != i.Severity {
		i.Severity = *t.Severity
		changes = append(changes, "severity "+string(i.Severity))
	}
	if t.Assignee != nil && *t.Assignee != i.Assignee {
		i.Assignee = strings.ToLower(*t.Assignee)
		changes = append(changes, "assigned to "+orNobody(i.Assignee))
	}
	if t.TLP != nil && *t.TLP != i.TLP {
		i.TLP = *t.TLP
		changes = append(changes, "marked TLP:"+string(i.TLP))
	}
	if t.SharedWithSuppliers != nil && *t.SharedWithSuppliers != i.SharedWithSuppliers {
		i.SharedWithSuppliers = *t.SharedWithSuppliers
		changes = append(changes, map[bool]string{true: "shared with the organisation's suppliers", false: "no longer shared with suppliers"}[i.SharedWithSuppliers])
	}
	return i, changes
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

// Move moves incident id to status to (vigil.Incident.CheckMove has the rules), with
// an optional note, recorded in its timeline.
func (s *Service) Move(ctx context.Context, p vigil.Principal, id int64, to vigil.IncidentStatus, note string) (vigil.Incident, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Incident{}, err
	}
	note, err := vigil.Text("the note", note, 4000, false)
	if err != nil {
		return vigil.Incident{}, err
	}
	var inc vigil.Incident
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.GetIncident(ctx, id)
		if err != nil {
			return err
		}
		if err := cur.CheckMove(to, note); err != nil {
			return err
		}
		from := cur.Status
		cur.Status = to
		if inc, err = tx.UpdateIncident(ctx, cur); err != nil {
			return err
		}
		words := fmt.Sprintf("%s → %s", from, to)
		if note != "" {
			words += ": " + note
		}
		return entry(ctx, tx, p, id, vigil.EntryStatus, words, "incident.status", map[string]any{"org": cur.Org, "from": from, "to": to, "note": note})
	})
	return inc, err
}

// AddNote adds a note to incident id's timeline: the centre, or the organisation's own people.
func (s *Service) AddNote(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.IncidentEntry, error) {
	if err := p.Need(noteWriters...); err != nil {
		return vigil.IncidentEntry{}, err
	}
	note, err := vigil.Text("the note", note, 4000, true)
	if err != nil {
		return vigil.IncidentEntry{}, &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: "note", Message: vigil.ErrorMessage(err)}}}
	}
	e := vigil.IncidentEntry{Incident: id, Kind: vigil.EntryNote, By: p.Email, Note: note, At: s.clock()}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		inc, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := ownOrSector(p, inc); err != nil {
			return err
		}
		if err := tx.AddIncidentEntry(ctx, e); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "incident.note", target(id), map[string]any{"org": inc.Org, "note": note})
		return err
	})
	return e, err
}
