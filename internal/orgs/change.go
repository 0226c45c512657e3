package orgs

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// auditListMax bounds how many asset values an audit row lists; past it, only counts.
const auditListMax = 100

// Change is an organisation as a change left it, with the overlaps the change's assets
// have with other organisations' (accepted, and flagged for an analyst).
type Change struct {
	// Org is the organisation after the change.
	Org vigil.Org
	// Overlaps are the overlaps the change flagged.
	Overlaps []vigil.Overlap
}

// ParseIPRanges parses IP ranges as the store will accept them, with the store's words
// for what is wrong: the doors' input comes as text, vigil.Org holds prefixes.
func ParseIPRanges(ranges []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(ranges))
	for _, r := range ranges {
		a, err := store.NormalizeAsset(vigil.Asset{Kind: vigil.AssetIPRange, Value: r})
		if err != nil {
			return nil, err
		}
		p, err := netip.ParsePrefix(a.Value)
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "IP range %q is not a network in CIDR form", r)
		}
		out = append(out, p)
	}
	return out, nil
}

// Create registers an organisation with its assets, approved at once, audited as
// org.create; sector roles only. An asset no one organisation could own
// (vigil.CheckOwnable) is refused; overlaps with other organisations' assets are
// accepted and flagged.
func (s *Service) Create(ctx context.Context, p vigil.Principal, o vigil.Org) (Change, error) {
	c, err := s.create(ctx, p, o)
	if err == nil && len(store.OrgAssets(c.Org)) > 0 {
		s.changedAssets(ctx)
	}
	return c, err
}

func (s *Service) create(ctx context.Context, p vigil.Principal, o vigil.Org) (Change, error) {
	return s.createIn(ctx, s.store, p, o)
}

// createIn is create in st's transaction when st is bound to one (a bulk import's).
func (s *Service) createIn(ctx context.Context, st *store.Store, p vigil.Principal, o vigil.Org) (Change, error) {
	var c Change
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return c, err
	}
	if err := s.checkOwnable(store.OrgAssets(o)); err != nil {
		return c, err
	}
	err := st.Tx(ctx, func(tx *store.Store) error {
		var err error
		if c.Org, c.Overlaps, err = tx.CreateOrgAs(ctx, o, store.Claimant{By: p.Email}); err != nil {
			return err
		}
		r := createdAudit(p, c)
		_, err = tx.Audit(ctx, r.Actor, r.Action, r.Target, r.Detail)
		return err
	})
	return c, err
}

// createdAudit is the org.create entry of c, created by p.
func createdAudit(p vigil.Principal, c Change) store.AuditRecord {
	return store.AuditRecord{Actor: p.Email, Action: "org.create", Target: c.Org.ODSCode, Detail: map[string]any{
		"name": c.Org.Name, "kind": c.Org.Kind, "assets": len(store.OrgAssets(c.Org)), "overlaps": len(c.Overlaps)}}
}

// Update changes an organisation, audited as org.update with what it changed: sector
// roles any, an org_admin its own; any other is not found. Assets an org_admin adds are
// pending until a sector analyst approves them (ApproveAsset) and route nothing until
// then; a claim on another organisation's network or name is held so, with the overlap
// flagged for the analyst. The sector's additions are approved at once. An asset no one
// organisation could own (vigil.CheckOwnable) is refused, whoever adds it.
func (s *Service) Update(ctx context.Context, p vigil.Principal, ods string, patch vigil.OrgPatch) (Change, error) {
	c, err := s.update(ctx, p, ods, patch)
	if err == nil && changesRoutes(p, patch) {
		s.changedAssets(ctx)
	}
	return c, err
}

// changesRoutes reports whether p's patch can change which assets route: removals
// always, additions only when they are approved at once.
func changesRoutes(p vigil.Principal, patch vigil.OrgPatch) bool {
	if p.Role.Sector() {
		return changesAssets(patch)
	}
	return patch.Assets != nil || patch.RemoveAssets != nil
}

// checkOwnable refuses the first asset no one organisation could own, in the words of
// vigil.CheckOwnable; an asset the store would refuse as malformed is refused in its words.
func (s *Service) checkOwnable(as []vigil.Asset) error {
	for _, a := range as {
		if err := s.ownable(a); err != nil {
			return err
		}
	}
	return nil
}

// ownable refuses an asset no one organisation could own, or a malformed one.
func (s *Service) ownable(a vigil.Asset) error {
	n, err := store.NormalizeAsset(a)
	if err != nil {
		return err
	}
	return vigil.CheckOwnable(n, s.limits)
}

// maxAssetProblems caps the refused assets one answer lists; a list of 10,000 bad ones
// names the first and counts the rest.
const maxAssetProblems = 20

// checkEachOwnable is checkOwnable for a list a person sent: when it holds more than one
// asset, every refused one is named by its place (add_assets.ip_ranges[2]), so that all
// can be fixed at once; a single asset is refused in its own words, as before.
func (s *Service) checkEachOwnable(list string, as []vigil.Asset) error {
	if len(as) <= 1 {
		return s.checkOwnable(as)
	}
	bad := &vigil.InvalidFields{}
	seen, more := map[vigil.AssetKind]int{}, 0
	for _, a := range as {
		i := seen[a.Kind]
		seen[a.Kind]++
		err := s.ownable(a)
		switch {
		case err == nil:
		case vigil.ErrorCode(err) != vigil.EINVALID:
			return err
		case len(bad.Problems) < maxAssetProblems:
			bad.Problems = append(bad.Problems, vigil.FieldProblem{Field: assetField(list, a.Kind, i), Message: vigil.ErrorMessage(err)})
		default:
			more++
		}
	}
	if more > 0 {
		bad.Problems = append(bad.Problems, vigil.FieldProblem{Field: cmp.Or(list, "assets"),
			Message: fmt.Sprintf("%d more assets are refused too; fix those listed and send again to see them", more)})
	}
	if len(bad.Problems) == 0 {
		return nil
	}
	return bad
}

// assetField names the i-th asset of kind in list as the API's body does:
// add_assets.domains[3], or ip_ranges[0] at the top of an organisation.
func assetField(list string, k vigil.AssetKind, i int) string {
	name := map[vigil.AssetKind]string{vigil.AssetIPRange: "ip_ranges", vigil.AssetDomain: "domains", vigil.AssetHostname: "hostnames"}[k]
	if list != "" {
		name = list + "." + name
	}
	return fmt.Sprintf("%s[%d]", name, i)
}

func (s *Service) update(ctx context.Context, p vigil.Principal, ods string, patch vigil.OrgPatch) (Change, error) {
	return s.updateIn(ctx, s.store, p, ods, patch)
}

// updateIn is update in st's transaction when st is bound to one (a bulk import's).
func (s *Service) updateIn(ctx context.Context, st *store.Store, p vigil.Principal, ods string, patch vigil.OrgPatch) (Change, error) {
	var c Change
	if err := p.Need(vigil.OrgEditors...); err != nil {
		return c, err
	}
	// Editors are sector roles and org admins, whose audience has no customers to read.
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !vigil.AudienceOf(p, nil).SeesOrg(code) {
		return c, vigil.OrgNotFound(ods)
	}
	detail := patchDetail(patch)
	if len(detail) == 0 {
		return c, vigil.Errorf(vigil.EINVALID, "nothing to change: send name, region, contacts, add_assets or remove_assets")
	}
	added := patch.AddAssets
	if patch.Assets != nil {
		added = append(slices.Clone(*patch.Assets), added...)
		if err := s.checkEachOwnable("assets", *patch.Assets); err != nil {
			return c, err
		}
	}
	if err := s.checkEachOwnable("add_assets", patch.AddAssets); err != nil {
		return c, err
	}
	who := store.Claimant{By: p.Email, Pending: !p.Role.Sector()}
	if who.Pending && len(added) > 0 {
		detail["status"] = vigil.AssetPending // the added assets wait for an analyst
	}
	err = st.Tx(ctx, func(tx *store.Store) error {
		var err error
		if c.Org, c.Overlaps, err = tx.UpdateOrgAs(ctx, code, patch, who); err != nil {
			return err
		}
		detail["overlaps"] = len(c.Overlaps)
		_, err = tx.Audit(ctx, p.Email, "org.update", code, detail)
		return err
	})
	return c, err
}

func changesAssets(p vigil.OrgPatch) bool {
	return p.Assets != nil || p.AddAssets != nil || p.RemoveAssets != nil
}

// patchDetail is the audit detail saying what p changes; empty when it changes nothing.
func patchDetail(p vigil.OrgPatch) map[string]any {
	d := map[string]any{}
	if p.Name != nil {
		d["name"] = *p.Name
	}
	if p.Kind != nil {
		d["kind"] = *p.Kind
	}
	if p.Region != nil {
		d["region"] = *p.Region
	}
	if p.Parent != nil {
		d["parent"] = *p.Parent
	}
	if p.Contacts != nil {
		d["contacts"] = len(*p.Contacts)
	}
	if p.Assets != nil {
		d["assets"] = assetDetail(*p.Assets)
	}
	if p.AddAssets != nil {
		d["add_assets"] = assetDetail(p.AddAssets)
	}
	if p.RemoveAssets != nil {
		d["remove_assets"] = assetDetail(p.RemoveAssets)
	}
	return d
}

func assetDetail(as []vigil.Asset) any {
	if len(as) > auditListMax {
		return len(as)
	}
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a.Kind) + ":" + a.Value
	}
	return out
}

// AcceptOverlap records that an analyst confirmed two organisations' overlapping
// claims, with why, audited as overlap.accept; sector roles only.
func (s *Service) AcceptOverlap(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.Overlap, error) {
	var o vigil.Overlap
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return o, err
	}
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if o, err = tx.AcceptOverlap(ctx, id, p.Email, note); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "overlap.accept", "overlap/"+strconv.FormatInt(id, 10),
			map[string]any{"overlap": o.String(), "note": o.Note})
		return err
	})
	return o, err
}
