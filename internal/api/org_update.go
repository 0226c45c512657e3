package api

import (
	"context"

	"github.com/vigil-health/vigil"
)

type orgUpdateIn struct {
	ODS  string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Body struct {
		Name         *string    `json:"name,omitempty" maxLength:"200"`
		Region       *string    `json:"region,omitempty" maxLength:"100"`
		Contacts     *[]Contact `json:"contacts,omitempty" maxItems:"100" doc:"Replaces the contact list."`
		AddAssets    *Assets    `json:"add_assets,omitempty" doc:"Assets to register; ones already registered are left alone. A sector role's are active at once; an org_admin's are pending, and route nothing, until a sector analyst approves them (GET /assets?status=pending)."`
		RemoveAssets *Assets    `json:"remove_assets,omitempty" doc:"Assets to remove; ones not registered are ignored."`
	}
}

// orgUpdate changes an organisation: sector roles any, an org_admin its own (whose new
// assets wait for an analyst's approval).
func (a *API) orgUpdate(ctx context.Context, in *orgUpdateIn) (*orgChange, error) {
	p, b := principal(ctx), in.Body
	patch := vigil.OrgPatch{Name: b.Name, Region: b.Region}
	if b.Contacts != nil {
		cs := contactsIn(*b.Contacts)
		patch.Contacts = &cs
	}
	if b.AddAssets != nil {
		patch.AddAssets = b.AddAssets.assets()
	}
	if b.RemoveAssets != nil {
		patch.RemoveAssets = b.RemoveAssets.assets()
	}
	c, err := a.app.Orgs.Update(ctx, p, in.ODS, patch)
	if err != nil {
		return nil, fieldsProblem(err) // each refused asset, by its place in the list
	}
	return newOrgChange(c, p), nil
}
