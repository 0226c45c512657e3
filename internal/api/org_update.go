package api

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

type orgUpdateIn struct {
	ODS  string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
	Body struct {
		Name         *string    `json:"name,omitempty" maxLength:"200"`
		Region       *string    `json:"region,omitempty" maxLength:"100"`
		Contacts     *[]Contact `json:"contacts,omitempty" maxItems:"100" doc:"Replaces the contact list."`
		AddAssets    *Assets    `json:"add_assets,omitempty" doc:"Assets to register; ones already registered are left alone."`
		RemoveAssets *Assets    `json:"remove_assets,omitempty" doc:"Assets to remove; ones not registered are ignored."`
	}
}

// auditListMax bounds how many asset values an audit row lists; past it, only counts.
const auditListMax = 100

// orgUpdate changes an organisation: sector roles any, an org_admin its own.
func (a *API) orgUpdate(ctx context.Context, in *orgUpdateIn) (*orgChange, error) {
	p := principal(ctx)
	code, err := vigil.NormalizeODS(in.ODS)
	if err != nil || !p.Role.Sector() && code != p.Org {
		return nil, orgNotFound(in.ODS)
	}
	patch, detail := orgPatch(in)
	if len(detail) == 0 {
		return nil, vigil.Errorf(vigil.EINVALID, "nothing to change: send name, region, contacts, add_assets or remove_assets")
	}
	var updated vigil.Org
	var overlaps []vigil.Overlap
	err = a.store.Tx(ctx, func(tx *store.Store) error {
		if updated, overlaps, err = tx.UpdateOrg(ctx, code, patch); err != nil {
			return err
		}
		detail["overlaps"] = len(overlaps)
		_, err = tx.Audit(ctx, p.Email, "org.update", code, detail)
		return err
	})
	if err != nil {
		return nil, err
	}
	if patch.Assets != nil || patch.AddAssets != nil || patch.RemoveAssets != nil {
		a.reroute(ctx)
	}
	return newOrgChange(updated, overlaps, p), nil
}

// orgPatch converts the request into a store patch and the audit detail saying what it
// changes; the detail is empty when the request changes nothing.
func orgPatch(in *orgUpdateIn) (vigil.OrgPatch, map[string]any) {
	b := in.Body
	p := vigil.OrgPatch{Name: b.Name, Region: b.Region}
	d := map[string]any{}
	if b.Name != nil {
		d["name"] = *b.Name
	}
	if b.Region != nil {
		d["region"] = *b.Region
	}
	if b.Contacts != nil {
		cs := contactsIn(*b.Contacts)
		p.Contacts = &cs
		d["contacts"] = len(cs)
	}
	if b.AddAssets != nil {
		p.AddAssets = b.AddAssets.store()
		d["add_assets"] = assetDetail(p.AddAssets)
	}
	if b.RemoveAssets != nil {
		p.RemoveAssets = b.RemoveAssets.store()
		d["remove_assets"] = assetDetail(p.RemoveAssets)
	}
	return p, d
}

func assetDetail(as []vigil.Asset) any {
	if len(as) > auditListMax {
		return len(as)
	}
	return mapSlice(as, func(a vigil.Asset) string { return string(a.Kind) + ":" + a.Value })
}
