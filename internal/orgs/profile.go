package orgs

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// profileRejections is how many of an organisation's latest rejected claims a profile
// shows.
const profileRejections = 20

// Profile is what the sector centre knows of one organisation, for its page: its
// details and contacts, every asset with its status and overlaps, who supplies it and
// whom it supplies, and the claims analysts rejected lately.
type Profile struct {
	// Org is the organisation, with its approved and pending assets.
	Org vigil.Org
	// Assets are its approved and pending assets in the order they were claimed, each
	// with who claimed it, its review and its overlaps; at most vigil.MaxLimit.
	Assets []vigil.OrgAsset
	// MoreAssets says Assets stops short of all of them.
	MoreAssets bool
	// Suppliers are the suppliers serving it, and Customers the organisations it serves
	// (a supplier's), in ODS-code order.
	Suppliers, Customers []vigil.Org
	// Rejected are its latest rejected claims, newest first: a rejected claim is
	// removed, so the audit log is where they are kept.
	Rejected []Rejection
}

// Rejection is an asset claim an analyst refused.
type Rejection struct {
	// Asset is what was claimed, as "kind:value" was audited.
	Asset vigil.Asset
	// ClaimedBy is who claimed it, RejectedBy the analyst who refused it, and Note why.
	ClaimedBy, RejectedBy, Note string
	// At is when it was rejected.
	At time.Time
}

// Profile returns the organisation with ODS code ods as the sector centre sees it;
// sector roles only. An organisation that does not exist is not found.
func (s *Service) Profile(ctx context.Context, p vigil.Principal, ods string) (Profile, error) {
	var pr Profile
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return pr, err
	}
	var err error
	if pr.Org, err = s.store.GetOrg(ctx, ods); err != nil {
		return pr, err
	}
	code := pr.Org.ODSCode
	var next string
	if pr.Assets, next, err = s.store.ListAssets(ctx, vigil.AssetFilter{Org: code, Limit: vigil.MaxLimit}); err != nil {
		return pr, err
	}
	pr.MoreAssets = next != ""
	if pr.Suppliers, err = s.store.Suppliers(ctx, code); err != nil {
		return pr, err
	}
	if pr.Customers, err = s.store.Customers(ctx, code); err != nil {
		return pr, err
	}
	pr.Rejected, err = s.rejections(ctx, code)
	return pr, err
}

// rejections reads org's latest rejected claims from the audit log's asset.reject
// entries (RejectAsset writes them).
func (s *Service) rejections(ctx context.Context, org string) ([]Rejection, error) {
	es, _, err := s.store.ListAudit(ctx, vigil.AuditFilter{Action: "asset.reject", Target: org, Limit: profileRejections})
	if err != nil {
		return nil, err
	}
	out := make([]Rejection, 0, len(es))
	for _, e := range es {
		var d struct {
			Asset     string `json:"asset"`
			ClaimedBy string `json:"claimed_by"`
			Note      string `json:"note"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) != nil {
			continue // not one RejectAsset wrote; nothing to show
		}
		kind, value, _ := strings.Cut(d.Asset, ":")
		out = append(out, Rejection{Asset: vigil.Asset{Kind: vigil.AssetKind(kind), Value: value}, ClaimedBy: d.ClaimedBy,
			RejectedBy: e.Actor, Note: d.Note, At: e.Time})
	}
	return out, nil
}
