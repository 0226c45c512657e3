package incidents

import (
	"context"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/ioc"
	"github.com/vigil-health/vigil/internal/store"
)

// NewLink is what linking an incident takes.
type NewLink struct {
	// Kind is alert, indicator or org.
	Kind vigil.IncidentLinkKind
	// Ref is the alert's number, the ODS code, or the indicator's value (refanged and
	// normalised; "type:value" or a value whose type is clear).
	Ref string
	// Type is the indicator's type, when Ref does not say it.
	Type vigil.IndicatorType
	// TLP marks an indicator (the incident's marking when empty); an alert's link takes
	// the alert's marking.
	TLP vigil.TLP
	// Note says why it is linked.
	Note string
}

// Link links incident id to an alert, an indicator or observable, or another
// organisation affected: the centre only.
func (s *Service) Link(ctx context.Context, p vigil.Principal, id int64, nl NewLink) (vigil.IncidentLink, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.IncidentLink{}, err
	}
	note, err := vigil.Text("the note", nl.Note, 1000, false)
	if err != nil {
		return vigil.IncidentLink{}, linkProblem("note", err)
	}
	var l vigil.IncidentLink
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		inc, err := tx.GetIncident(ctx, id)
		if err != nil {
			return err
		}
		l = vigil.IncidentLink{Incident: id, Kind: nl.Kind, TLP: vigil.Stricter(nl.TLP, ""), Note: note, AddedBy: p.Email}
		if l.TLP == "" {
			l.TLP = inc.TLP
		}
		if err := resolve(ctx, tx, &l, nl); err != nil {
			return err
		}
		if l, err = tx.AddIncidentLink(ctx, l); err != nil {
			return err
		}
		return entry(ctx, tx, p, id, vigil.EntryLinked, string(l.Kind)+" "+l.Ref, "incident.link",
			map[string]any{"org": inc.Org, "kind": l.Kind, "ref": l.Ref, "tlp": l.TLP})
	})
	return l, err
}

// resolve checks what a link points at and fills in its Ref (and an alert's TLP).
func resolve(ctx context.Context, tx *store.Store, l *vigil.IncidentLink, nl NewLink) error {
	ref := strings.TrimSpace(nl.Ref)
	switch nl.Kind {
	case vigil.LinkAlert:
		n, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
		if err != nil || n <= 0 {
			return linkProblem("ref", vigil.Errorf(vigil.EINVALID, "give the alert's number, such as 42"))
		}
		al, err := tx.GetAlert(ctx, n)
		if err != nil {
			return linkProblem("ref", err)
		}
		l.Ref, l.TLP = strconv.FormatInt(n, 10), vigil.Stricter(l.TLP, al.TLP)
	case vigil.LinkOrg:
		code, err := vigil.NormalizeODS(ref)
		if err == nil {
			_, err = tx.GetOrg(ctx, code)
		}
		if err != nil {
			return linkProblem("ref", vigil.OrgNotFound(ref))
		}
		l.Ref = code
	case vigil.LinkIndicator:
		t, v, err := indicator(nl.Type, ref)
		if err != nil {
			return linkProblem("ref", err)
		}
		l.Ref = string(t) + ":" + v
	default:
		return linkProblem("kind", vigil.Errorf(vigil.EINVALID, "kind %q is not one of alert, indicator, org", nl.Kind))
	}
	return nil
}

// indicator reads an indicator's type and value: "type:value", a value with its type
// given, or a value whose type is clear from it.
func indicator(t vigil.IndicatorType, ref string) (vigil.IndicatorType, string, error) {
	if t == "" {
		if pre, rest, ok := strings.Cut(ref, ":"); ok && vigil.IndicatorType(pre).Valid() {
			t, ref = vigil.IndicatorType(pre), rest
		}
	}
	var v string
	var err error
	if t == "" {
		t, v, err = ioc.Detect(ref)
	} else if !t.Valid() {
		return "", "", vigil.Errorf(vigil.EINVALID, "indicator type %q is not a known one", t)
	} else {
		t, v, err = ioc.Normalize(t, ref)
	}
	if err != nil {
		return "", "", vigil.Errorf(vigil.EINVALID, "%q is not an indicator vigil can hunt for: %v", alerts.Shorten(ref, 80), err)
	}
	return t, v, nil
}

func linkProblem(field string, err error) error {
	if vigil.ErrorCode(err) == vigil.EINTERNAL {
		return err
	}
	return &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: field, Message: vigil.ErrorMessage(err)}}}
}
