package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// OrgAsset is one organisation's asset as a sector analyst reviews it.
type OrgAsset struct {
	// ID is the asset's number, used to approve or reject it.
	ID int64 `json:"id"`
	// Org is the ODS code of the organisation that claims it.
	Org string `json:"org" example:"VN123"`
	// Kind is ip_range, domain or hostname.
	Kind vigil.AssetKind `json:"kind" enum:"ip_range,domain,hostname"`
	// Value is the network or name.
	Value string `json:"value" example:"192.0.2.128/25"`
	// Status is pending until an analyst approves it; rejected only in the answer to a
	// rejection, which removes the asset.
	Status vigil.AssetStatus `json:"status" enum:"pending,approved,rejected"`
	// ClaimedBy is who added it.
	ClaimedBy string `json:"claimed_by,omitempty" example:"manager@care-home.example"`
	// ClaimedAt is when it was added.
	ClaimedAt time.Time `json:"claimed_at"`
	// ReviewedBy is the analyst who approved or rejected it, or the sector user who added it.
	ReviewedBy string `json:"reviewed_by,omitempty"`
	// ReviewedAt is when it was reviewed.
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	// Overlaps are other organisations' claims it overlaps.
	Overlaps []Overlap `json:"overlaps" doc:"Other organisations' claims this asset overlaps: weigh them before approving."`
}

func orgAssetOut(a vigil.OrgAsset) OrgAsset {
	return OrgAsset{ID: a.ID, Org: a.Org, Kind: a.Kind, Value: a.Value, Status: a.Status, ClaimedBy: a.ClaimedBy,
		ClaimedAt: a.ClaimedAt, ReviewedBy: a.ReviewedBy, ReviewedAt: timePtr(a.ReviewedAt),
		Overlaps: mapSlice(a.Overlaps, overlapOut)}
}

// assetReviewIn is an analyst's decision on one pending asset.
type assetReviewIn struct {
	ID   int64 `path:"id" minimum:"1" doc:"The asset's number, from GET /assets."`
	Body struct {
		Note string `json:"note,omitempty" maxLength:"2000" example:"The trust's network team confirmed the range." doc:"Why, for the audit log; required to reject, so that the organisation can be told why."`
	}
}

type assetResult struct {
	Body OrgAsset
}
