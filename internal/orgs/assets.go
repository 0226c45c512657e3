package orgs

import (
	"context"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Assets lists organisations' assets for a sector analyst, each with the overlaps it has
// with other organisations' claims: with f.Status pending, the claims waiting for review.
// Sector roles only.
func (s *Service) Assets(ctx context.Context, p vigil.Principal, f vigil.AssetFilter) ([]vigil.OrgAsset, string, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, "", err
	}
	return s.store.ListAssets(ctx, f)
}

// ApproveAsset approves an organisation's pending asset, so that events and indicators
// route to the organisation from now on, audited as asset.approve with who claimed it
// and the note; sector roles only. An asset that is not pending is a conflict.
func (s *Service) ApproveAsset(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.OrgAsset, error) {
	a, err := s.review(ctx, p, id, note, "asset.approve", (*store.Store).ApproveAsset)
	if err == nil {
		s.changedAssets(ctx)
	}
	return a, err
}

// RejectAsset refuses an organisation's pending asset and removes it, audited as
// asset.reject with who claimed it and the note, which is required: the audit entry is
// all that remains of the claim, and the organisation will ask why. Sector roles only.
// The organisation may claim it again, pending again.
func (s *Service) RejectAsset(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.OrgAsset, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.OrgAsset{}, err
	}
	if strings.TrimSpace(note) == "" {
		return vigil.OrgAsset{}, vigil.Errorf(vigil.EINVALID,
			"say why you are rejecting the claim: the note is kept with the decision in the audit log, so that the organisation can be told why")
	}
	return s.review(ctx, p, id, note, "asset.reject", (*store.Store).RejectAsset)
}

// review runs one analyst's decision on a pending asset and audits it in the same
// transaction.
func (s *Service) review(ctx context.Context, p vigil.Principal, id int64, note, action string,
	decide func(*store.Store, context.Context, int64, string) (vigil.OrgAsset, error)) (vigil.OrgAsset, error) {
	var a vigil.OrgAsset
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return a, err
	}
	note, err := vigil.Text("note", note, 2000, false)
	if err != nil {
		return a, err
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if a, err = decide(tx, ctx, id, p.Email); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, action, a.Org, map[string]any{
			"asset": string(a.Kind) + ":" + a.Value, "id": strconv.FormatInt(a.ID, 10), "claimed_by": a.ClaimedBy,
			"overlaps": len(a.Overlaps), "note": note})
		return err
	})
	return a, err
}

// Approved lists o's approved assets, the ones that route: its IP ranges, domains and
// hostnames (o.Pending holds the rest).
func Approved(o vigil.Org) []vigil.Asset {
	return store.OrgAssets(o)
}
