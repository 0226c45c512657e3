package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

type orgCreateIn struct {
	Body struct {
		ODSCode  string        `json:"ods_code" maxLength:"20" example:"RXA" doc:"NHS ODS code: 3 to 12 letters, digits or hyphens (CQC ids such as 1-123456789 for providers without one)."`
		Name     string        `json:"name" maxLength:"200" example:"Example Community NHS Trust"`
		Kind     vigil.OrgKind `json:"kind" enum:"trust,gp,care_provider,supplier,centre,lso"`
		Region   string        `json:"region,omitempty" maxLength:"100" example:"North West"`
		Parent   string        `json:"parent,omitempty" maxLength:"20" doc:"ODS code of a registered parent organisation."`
		Contacts []Contact     `json:"contacts,omitempty" maxItems:"100"`
		Assets
	}
}

// orgCreate registers an organisation with its assets. Overlaps with other
// organisations' assets are accepted, flagged for an analyst and listed in the answer.
func (a *API) orgCreate(ctx context.Context, in *orgCreateIn) (*orgChange, error) {
	p, b := principal(ctx), in.Body
	ranges, err := orgs.ParseIPRanges(b.IPRanges)
	if err != nil {
		return nil, err
	}
	c, err := a.app.Orgs.Create(ctx, p, vigil.Org{ODSCode: b.ODSCode, Name: b.Name, Kind: b.Kind, Region: b.Region,
		Parent: b.Parent, IPRanges: ranges, Domains: b.Domains, Hostnames: b.Hostnames, Contacts: contactsIn(b.Contacts)})
	if err != nil {
		return nil, err
	}
	return newOrgChange(c, p), nil
}
