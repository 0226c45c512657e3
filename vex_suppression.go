package vigil

import "time"

// VEXSuppression is a vulnerability a VEX statement took off an organisation's open list:
// every finding of it there was closed by a statement (not_affected with a reason, or
// fixed). The exposure board and the organisation read it to see what was suppressed and
// on whose word.
type VEXSuppression struct {
	// Org is the organisation; Vuln the vulnerability's root ID.
	Org, Vuln string
	// Status is the deciding statement's: not_affected or fixed.
	Status VEXStatus
	// Reason names the statement and says why, in plain words.
	Reason string
	// Components are the affected components the statement covered.
	Components []AffectedComponent
	// DecidedAt is when the check that applied it ran.
	DecidedAt time.Time
}
