package orgs

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// rejectionsShown bounds how many recent rejections a profile reads back from the
// audit log: enough to explain the last few refusals, never a long history.
const rejectionsShown = 20

// Profile is an organisation as its own people see it on its page: its details, assets
// and contacts, the suppliers that serve it, and the assets it claimed that the sector
// centre recently refused, with the reason.
type Profile struct {
	// Org is the organisation, with its approved and pending assets and its contacts.
	Org vigil.Org
	// Suppliers are the suppliers linked to it, in ODS-code order, without their contacts.
	Suppliers []vigil.Org
	// Rejected are its recent claims an analyst refused, newest first; each is left
	// out once the organisation claims the same asset again.
	Rejected []Rejection
}

// Rejection is an asset claim an analyst refused.
type Rejection struct {
	// Asset is what was claimed.
	Asset vigil.Asset
	// By is the analyst who refused it.
	By string
	// At is when it was refused.
	At time.Time
	// Note is the analyst's reason.
	Note string
}

// Profile returns the organisation's profile to sector roles and to the organisation's
// own people; to anyone else it is not found (a supplier reads a customer with Get).
// Refused claims are removed from the assets when refused, so their reasons are read
// back from the audit log's asset.reject entries about the organisation.
func (s *Service) Profile(ctx context.Context, p vigil.Principal, ods string) (Profile, error) {
	var pr Profile
	if err := p.Need(vigil.People...); err != nil {
		return pr, err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !(p.Role.Sector() || p.Org == code) {
		return pr, vigil.OrgNotFound(ods)
	}
	if pr.Org, err = s.store.GetOrg(ctx, code); err != nil {
		return pr, err
	}
	if pr.Suppliers, err = s.store.Suppliers(ctx, code); err != nil {
		return pr, err
	}
	for i := range pr.Suppliers {
		pr.Suppliers[i].Contacts = nil // the supplier's staff are not the customer's to see
	}
	es, _, err := s.store.ListAudit(ctx, vigil.AuditFilter{Action: "asset.reject", Target: code, Limit: rejectionsShown})
	if err != nil {
		return pr, err
	}
	pr.Rejected = rejections(es, pr.Org)
	return pr, nil
}

// rejections reads the refusals in audit entries es (newest first), keeping the newest
// for each asset and none for an asset o holds again.
func rejections(es []vigil.AuditEntry, o vigil.Org) []Rejection {
	held := map[vigil.Asset]bool{}
	for _, a := range append(store.OrgAssets(o), o.Pending...) {
		held[a] = true
	}
	var out []Rejection
	for _, e := range es {
		var d struct{ Asset, Note string }
		if json.Unmarshal([]byte(e.Detail), &d) != nil {
			continue
		}
		kind, value, ok := strings.Cut(d.Asset, ":")
		a := vigil.Asset{Kind: vigil.AssetKind(kind), Value: value}
		if !ok || held[a] {
			continue
		}
		held[a] = true // older refusals of the same asset add nothing
		out = append(out, Rejection{Asset: a, By: e.Actor, At: e.Time, Note: d.Note})
	}
	return out
}
