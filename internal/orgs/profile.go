package orgs

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// profileRejections is how many of an organisation's latest rejected claims a profile
// reads back: enough to explain the last few refusals, never a long history.
const profileRejections = 20

// Profile is an organisation as its page shows it: its details and contacts, its assets,
// who supplies it and whom it supplies, and the claims analysts rejected lately. Its own
// people see it too, less what is the sector centre's to know.
type Profile struct {
	// Org is the organisation, with its approved and pending assets and its contacts.
	Org vigil.Org
	// Assets are its approved and pending assets in the order they were claimed, each
	// with who claimed it, its review and its overlaps (at most vigil.MaxLimit); for
	// sector roles only, since overlaps name other organisations.
	Assets []vigil.OrgAsset
	// MoreAssets says Assets stops short of all of them.
	MoreAssets bool
	// Suppliers are the suppliers serving it, and Customers the organisations it serves
	// (a supplier's), in ODS-code order. Its own people see its suppliers without their
	// contacts, and no customers list beyond their own links.
	Suppliers, Customers []vigil.Org
	// Rejected are its latest rejected claims, newest first, one per asset and none for
	// an asset it holds again: a rejected claim is removed, so the audit log is where
	// they are kept.
	Rejected []Rejection
}

// Rejection is an asset claim an analyst refused.
type Rejection struct {
	// Asset is what was claimed.
	Asset vigil.Asset
	// ClaimedBy is who claimed it, RejectedBy the analyst who refused it, and Note why.
	ClaimedBy, RejectedBy, Note string
	// At is when it was rejected.
	At time.Time
}

// Profile returns the organisation with ODS code ods to sector roles, and to the
// organisation's own people without what is the centre's alone; to anyone else it is
// not found (a supplier reads a customer with Get).
func (s *Service) Profile(ctx context.Context, p vigil.Principal, ods string) (Profile, error) {
	var pr Profile
	if err := p.Need(vigil.People...); err != nil {
		return pr, err
	}
	code, err := vigil.NormalizeODS(ods)
	sector := p.Role.Sector()
	if err != nil || !(sector || p.Org == code) {
		return pr, vigil.OrgNotFound(ods)
	}
	if pr.Org, err = s.store.GetOrg(ctx, code); err != nil {
		return pr, err
	}
	if pr.Suppliers, err = s.store.Suppliers(ctx, code); err != nil {
		return pr, err
	}
	if sector {
		var next string
		if pr.Assets, next, err = s.store.ListAssets(ctx, vigil.AssetFilter{Org: code, Limit: vigil.MaxLimit}); err != nil {
			return pr, err
		}
		pr.MoreAssets = next != ""
		if pr.Customers, err = s.store.Customers(ctx, code); err != nil {
			return pr, err
		}
	} else {
		for i := range pr.Suppliers {
			pr.Suppliers[i].Contacts = nil // the supplier's staff are not the customer's to see
		}
	}
	es, _, err := s.store.ListAudit(ctx, vigil.AuditFilter{Action: "asset.reject", Target: code, Limit: profileRejections})
	if err != nil {
		return pr, err
	}
	pr.Rejected = rejections(es, pr.Org)
	return pr, nil
}

// rejections reads the refusals in audit entries es (newest first, as RejectAsset wrote
// them), keeping the newest for each asset and none for an asset o holds again.
func rejections(es []vigil.AuditEntry, o vigil.Org) []Rejection {
	held := map[vigil.Asset]bool{}
	for _, a := range append(store.OrgAssets(o), o.Pending...) {
		held[a] = true
	}
	var out []Rejection
	for _, e := range es {
		var d struct {
			Asset     string `json:"asset"`
			ClaimedBy string `json:"claimed_by"`
			Note      string `json:"note"`
		}
		if json.Unmarshal([]byte(e.Detail), &d) != nil {
			continue // not one RejectAsset wrote; nothing to show
		}
		kind, value, ok := strings.Cut(d.Asset, ":")
		a := vigil.Asset{Kind: vigil.AssetKind(kind), Value: value}
		if !ok || held[a] {
			continue
		}
		held[a] = true // older refusals of the same asset add nothing
		out = append(out, Rejection{Asset: a, ClaimedBy: d.ClaimedBy, RejectedBy: e.Actor, Note: d.Note, At: e.Time})
	}
	return out
}
