package incidents

import (
	"context"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Report files an incident for p: an organisation's people for their own organisation
// (Org empty or theirs), the centre for any. A report with parts to fix is an
// *vigil.InvalidFields naming every one, so that the form comes back filled in.
func (s *Service) Report(ctx context.Context, p vigil.Principal, r vigil.IncidentReport) (vigil.Incident, error) {
	if err := p.Need(reporters...); err != nil {
		return vigil.Incident{}, err
	}
	org, err := reportOrg(p, r.Org)
	if err != nil {
		return vigil.Incident{}, err
	}
	inc, err := r.Check(s.clock())
	if err != nil {
		return vigil.Incident{}, err
	}
	inc.Org, inc.ReportedBy = org, p.Email
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if inc, err = tx.CreateIncident(ctx, inc); err != nil {
			return orgProblem(err)
		}
		return entry(ctx, tx, p, inc.ID, vigil.EntryReported, inc.Summary, "incident.report",
			map[string]any{"org": org, "summary": inc.Summary, "care": inc.Care, "personal_data": inc.PersonalData, "ransom": inc.Ransom})
	})
	return inc, err
}

// reportOrg is the organisation p reports for.
func reportOrg(p vigil.Principal, org string) (string, error) {
	org = strings.TrimSpace(org)
	if org == "" && p.Org != "" && !p.Role.Sector() {
		return p.Org, nil
	}
	if org == "" {
		return "", orgProblem(vigil.Errorf(vigil.EINVALID, "say which organisation it happened to (its ODS code)"))
	}
	code, err := vigil.NormalizeODS(org)
	if err != nil {
		return "", orgProblem(err)
	}
	if !p.Role.Sector() && code != p.Org {
		return "", orgProblem(vigil.OrgNotFound(org))
	}
	return code, nil
}

// orgProblem names the org field of an organisation that is refused.
func orgProblem(err error) error {
	if vigil.ErrorCode(err) != vigil.EINVALID {
		return err // not found stays not found, so that whose organisations exist does not leak
	}
	return &vigil.InvalidFields{Problems: []vigil.FieldProblem{{Field: "org", Message: vigil.ErrorMessage(err)}}}
}
