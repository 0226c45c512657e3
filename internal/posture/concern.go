package posture

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// concernIDs are the built-in products-of-concern policy's advisory IDs.
var concernIDs = func() []string {
	var ids []string
	for _, a := range vuln.ProductsOfConcern().Advisories {
		ids = append(ids, a.ID)
	}
	return ids
}()

// productsOfConcern is the fact "no products of concern, or a recorded review": known
// from the organisation's inventories as the vulnerability checks found them. A product
// of concern whose alert was resolved (the review recorded with a note) counts as
// reviewed; one still open does not.
func productsOfConcern(ctx context.Context, tx *store.Store, org string) (vigil.Known, error) {
	k := vigil.Known{Fact: vigil.FactNoProductsOfConcern}
	last, err := tx.LastInventoryUpload(ctx, org)
	if err != nil {
		return k, err
	}
	if last.IsZero() {
		k.State, k.Detail = vigil.KnownUnknown, "vigil holds no software inventory of yours: upload one, or answer this one yourself."
		return k, nil
	}
	found, err := tx.OrgExposures(ctx, org)
	if err != nil {
		return k, err
	}
	var open, reviewed []string
	for _, e := range found {
		if !slices.Contains(concernIDs, e.Vuln) || !e.FixedAt.IsZero() || len(e.Components) == 0 {
			continue
		}
		if e.AlertStatus == vigil.AlertResolved {
			reviewed = append(reviewed, e.Components[0].Name)
		} else {
			open = append(open, e.Components[0].Name)
		}
	}
	switch {
	case len(open) > 0:
		k.State, k.Detail = vigil.KnownNo, fmt.Sprintf("Your inventories hold %s, a product of concern, not yet reviewed: review it and resolve its alert with a note of your decision.", strings.Join(open, ", "))
	case len(reviewed) > 0:
		k.State, k.Detail = vigil.KnownYes, fmt.Sprintf("Your inventories hold %s, a product of concern; your review is recorded on its alert.", strings.Join(reviewed, ", "))
	default:
		k.State, k.Detail = vigil.KnownYes, "Your inventories hold no product of concern."
	}
	return k, nil
}
