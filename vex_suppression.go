package vigil

import (
	"strings"
	"time"
)

// VEXSuppression is a vulnerability a VEX statement took off an organisation's open list:
// every finding of it there was closed by a statement (not_affected with a reason, or
// fixed). The exposure board and the organisation read it to see what was suppressed and
// on whose word.
type VEXSuppression struct {
	// Org is the organisation; Vuln the vulnerability's root ID.
	Org, Vuln string
	// Status is the deciding statement's: not_affected or fixed.
	Status VEXStatus
	// Justification is the deciding statement's justification as written
	// (vulnerable_code_not_in_execute_path); empty when it gave an impact statement only.
	Justification string
	// Reason names the statement and says why, in plain words.
	Reason string
	// Supplier names the supplier whose statement it was (as the organisation's
	// inventories name it); empty when it was the organisation's own.
	Supplier string
	// Components are the affected components the statement covered.
	Components []AffectedComponent
	// DecidedAt is when the check that applied it ran.
	DecidedAt time.Time
}

// Label is the suppression in a few words for a list of organisations: "not affected
// (VEX: vulnerable_code_not_in_execute_path)", "not affected (VEX: impact statement)" when
// the statement explained itself without a justification, "fixed (VEX)".
func (x VEXSuppression) Label() string {
	if x.Status == VEXFixed {
		return "fixed (VEX)"
	}
	why := strings.TrimSpace(x.Justification)
	if why == "" {
		why = "impact statement"
	}
	return "not affected (VEX: " + why + ")"
}
