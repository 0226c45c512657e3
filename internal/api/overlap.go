package api

import (
	"time"

	"github.com/vigil-health/vigil"
)

// Overlap is two organisations claiming the same network or name, or one inside the
// other, flagged for an analyst.
type Overlap struct {
	// ID is the overlap's number.
	ID int64 `json:"id"`
	// Message describes the overlap in a sentence.
	Message string `json:"message" example:"RXA claims 192.0.2.0/24, which contains RXB's 192.0.2.128/25"`
	// Wider is the claim that contains the other (for equal claims, the older).
	Wider Claim `json:"wider"`
	// Narrower is the claim inside Wider.
	Narrower Claim `json:"narrower"`
	// Equal reports whether both claim exactly the same thing.
	Equal bool `json:"equal"`
	// Status is open until an analyst accepts the overlap.
	Status vigil.OverlapStatus `json:"status" enum:"open,accepted"`
	// DetectedAt is when the second claim was registered.
	DetectedAt time.Time `json:"detected_at"`
	// ReviewedBy is the analyst who accepted it.
	ReviewedBy string `json:"reviewed_by,omitempty"`
	// ReviewedAt is when it was accepted.
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	// Note is the analyst's reason for accepting it.
	Note string `json:"note,omitempty"`
}

// Claim is one organisation's asset.
type Claim struct {
	// Org is the ODS code of the organisation that registered it.
	Org string `json:"org"`
	// Kind is ip_range, domain or hostname.
	Kind vigil.AssetKind `json:"kind" enum:"ip_range,domain,hostname"`
	// Value is the network or name.
	Value string `json:"value"`
}

func claimOut(c vigil.AssetClaim) Claim {
	v := c.Name
	if c.Kind == vigil.AssetIPRange {
		v = c.Prefix.String()
	}
	return Claim{Org: c.Org, Kind: c.Kind, Value: v}
}

func overlapOut(o vigil.Overlap) Overlap {
	return Overlap{ID: o.ID, Message: o.String(), Wider: claimOut(o.Wider), Narrower: claimOut(o.Narrower),
		Equal: o.Equal, Status: o.Status, DetectedAt: o.DetectedAt, ReviewedBy: o.ReviewedBy,
		ReviewedAt: timePtr(o.ReviewedAt), Note: o.Note}
}

// timePtr returns nil for the zero time, so that JSON leaves it out.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
