package api

import (
	"context"

	"github.com/vigil-health/vigil/internal/exposure"
)

// AttestationState is a supplier's attestation with how far the customers it covers are.
type AttestationState struct {
	Attestation
	SupplierName string   `json:"supplier_name"`
	Open         []string `json:"open" nullable:"false" doc:"Customers whose finding in the supplier's software is still open: name (ODS code)."`
	Closed       []string `json:"closed" nullable:"false" doc:"Customers whose finding is closed."`
	ClosingNote  string   `json:"closing_note" doc:"The note applying the attestation records (or recorded) on each customer's alert."`
}

type attestationListIn struct {
	ID string `path:"id" minLength:"1" maxLength:"200" example:"CVE-2021-44228" doc:"Any of the vulnerability's IDs."`
}

type attestationListOut struct {
	Body struct {
		Items []AttestationState `json:"items" nullable:"false"`
	}
}

// attestationList lists the suppliers' attestations about a vulnerability, for the
// sector centre deciding whether to apply one at once.
func (a *API) attestationList(ctx context.Context, in *attestationListIn) (*attestationListOut, error) {
	list, err := a.app.Exposure.Attestations(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &attestationListOut{}
	out.Body.Items = mapSlice(list, func(s exposure.AttestationState) AttestationState {
		return AttestationState{Attestation: attestationOut(s.Attestation), SupplierName: s.SupplierName,
			Open: nonNilStrings(s.Open), Closed: nonNilStrings(s.Closed), ClosingNote: s.ClosingNote}
	})
	return out, nil
}
