package support

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/store"
)

// Ask is what asking for help takes.
type Ask struct {
	// Org is the organisation asking; empty means the caller's own.
	Org string
	// Subject is the request in a line; Body says more.
	Subject, Body string
	// Context says what it is about: "posture/<framework>/<item>", "alert/<id>",
	// "incident/<id>", or empty.
	Context string
}

// askers may ask for help: a provider's own people, and a sector admin on its behalf.
var askers = []vigil.Role{vigil.RoleSectorAdmin, vigil.RoleOrgAdmin, vigil.RoleOrgMember}

// Ask opens a support request to the organisation's Local Support Organisation, with
// the context described in words so that the LSO, who cannot see the organisation's
// posture, knows what it is about. A refused field is a *vigil.FieldError naming it.
func (s *Service) Ask(ctx context.Context, p vigil.Principal, in Ask) (vigil.SupportRequest, error) {
	if err := p.Need(askers...); err != nil {
		return vigil.SupportRequest{}, err
	}
	org := in.Org
	if org == "" {
		org = p.Org
	}
	code, err := vigil.NormalizeODS(org)
	if err != nil || !p.CanSeeOrg(code) {
		return vigil.SupportRequest{}, vigil.OrgNotFound(org)
	}
	r := vigil.SupportRequest{Org: code, CreatedBy: p.Email, Context: strings.TrimSpace(in.Context)}
	if r.Subject, err = vigil.Text("the subject", in.Subject, 200, true); err != nil {
		return r, vigil.OnField("subject", err)
	}
	if r.Body, err = vigil.Text("the message", in.Body, 4000, true); err != nil {
		return r, vigil.OnField("body", err)
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		lso, ok, err := tx.LSOOf(ctx, code)
		switch {
		case err != nil:
			return err
		case !ok:
			return vigil.Errorf(vigil.EINVALID, "no Local Support Organisation is linked to %s yet: ask the sector centre to link one", code)
		}
		r.LSO = lso.ODSCode
		if r.ContextText, err = contextText(ctx, tx, code, r.Context); err != nil {
			return vigil.OnField("context", err)
		}
		if r, err = tx.CreateSupportRequest(ctx, r); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "support.ask", target(r.ID), map[string]any{"org": code, "lso": r.LSO, "context": r.Context})
		return err
	})
	return r, err
}

// contextText describes what a request is about, fixed at asking: a posture item's
// text and the organisation's answer to it, or one of its alerts or incidents.
func contextText(ctx context.Context, tx *store.Store, org, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	parts := strings.Split(ref, "/")
	if len(parts) == 2 && (parts[0] == "alert" || parts[0] == "incident") {
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || id <= 0 {
			return "", vigil.Errorf(vigil.EINVALID, "context %q: %s must be followed by its number", ref, parts[0])
		}
		if parts[0] == "alert" {
			return alertText(ctx, tx, org, id)
		}
		return incidentText(ctx, tx, org, id)
	}
	if len(parts) != 3 || parts[0] != "posture" {
		return "", vigil.Errorf(vigil.EINVALID, "context %q must be empty, posture/<framework>/<item>, alert/<id> or incident/<id>", ref)
	}
	f, err := frameworks.Get(parts[1])
	if err != nil {
		return "", err
	}
	it, ok := f.Item(parts[2])
	if !ok {
		return "", vigil.Errorf(vigil.EINVALID, "no item %q in the framework %s", parts[2], f.ID)
	}
	answers, err := tx.PostureAnswers(ctx, org, f.ID)
	if err != nil {
		return "", err
	}
	grade := vigil.GradeNone
	for _, a := range answers {
		if a.Item == it.ID {
			grade = a.Grade
		}
	}
	return fmt.Sprintf("%s, item %s: %s (answered: %s)", f.Title, it.ID, it.Text, grade.Label()), nil
}

// alertText describes one of org's alerts for its LSO (see passedOn).
func alertText(ctx context.Context, tx *store.Store, org string, id int64) (string, error) {
	a, err := tx.GetAlert(ctx, id)
	if err != nil || a.Org != org {
		return "", vigil.Errorf(vigil.EINVALID, "alert %d is not one of %s's alerts", id, org)
	}
	return passedOn("Alert", id, fmt.Sprintf("%s, %s", a.Severity, a.Status), a.TLP, a.Title), nil
}

// incidentText describes one of org's incidents for its LSO (see passedOn).
func incidentText(ctx context.Context, tx *store.Store, org string, id int64) (string, error) {
	in, err := tx.GetIncident(ctx, id)
	if err != nil || in.Org != org {
		return "", vigil.Errorf(vigil.EINVALID, "incident %d is not one of %s's incidents", id, org)
	}
	return passedOn("Incident", id, string(in.Status), in.TLP, in.Summary), nil
}

// passedOn is what the LSO is told of an alert or incident: its words only when its
// marking (TLP:CLEAR or GREEN) lets them leave the organisation.
func passedOn(what string, id int64, state string, tlp vigil.TLP, words string) string {
	if tlp.Rank() > vigil.TLPGreen.Rank() {
		return fmt.Sprintf("%s %d (%s), marked TLP:%s: its details are not passed on; the organisation will tell you what it may.",
			what, id, state, tlp)
	}
	return fmt.Sprintf("%s %d (%s): %s", what, id, state, words)
}

// Reply adds a reply to request id. The LSO's first reply records its response time.
func (s *Service) Reply(ctx context.Context, p vigil.Principal, id int64, body string) (vigil.SupportRequest, error) {
	if err := p.Need(workers...); err != nil {
		return vigil.SupportRequest{}, err
	}
	body, err := vigil.Text("the reply", body, 4000, true)
	if err != nil {
		return vigil.SupportRequest{}, vigil.OnField("body", err)
	}
	var r vigil.SupportRequest
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if r, err = visible(ctx, tx, p, id); err != nil {
			return err
		}
		fromLSO := p.Org != "" && p.Org == r.LSO
		if err := tx.AddSupportReply(ctx, id, vigil.SupportReply{Author: p.Email, FromLSO: fromLSO, Body: body}); err != nil {
			return err
		}
		if r, err = tx.SupportRequest(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "support.reply", target(id), map[string]any{"from_lso": fromLSO})
		return err
	})
	return r, err
}

// Close closes request id: the provider when it is sorted, or the LSO.
func (s *Service) Close(ctx context.Context, p vigil.Principal, id int64) (vigil.SupportRequest, error) {
	if err := p.Need(workers...); err != nil {
		return vigil.SupportRequest{}, err
	}
	var r vigil.SupportRequest
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if r, err = visible(ctx, tx, p, id); err != nil {
			return err
		}
		if r.Status == vigil.SupportClosed {
			return vigil.Errorf(vigil.ECONFLICT, "support request %d is closed already", id)
		}
		if err := tx.CloseSupportRequest(ctx, id); err != nil {
			return err
		}
		if r, err = tx.SupportRequest(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "support.close", target(id), map[string]any{"org": r.Org, "lso": r.LSO})
		return err
	})
	return r, err
}
