package posture

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// restoreTestAge is how old a backup restore test may be and still count.
const restoreTestAge = 365 * 24 * time.Hour

// inventoryAge is how old an organisation's latest inventory upload may be and still
// count as current: software changes, and an old list misses what was installed since.
const inventoryAge = 90 * 24 * time.Hour

// known is what vigil knows of org for the framework items that name a fact, worked
// out afresh on every read so that it stays current.
func (s *Service) known(ctx context.Context, tx *store.Store, org vigil.Org) (map[vigil.Fact]vigil.Known, error) {
	out := map[vigil.Fact]vigil.Known{
		vigil.FactIncidentRouteKnown: incidentRoute(org),
	}
	concern, err := productsOfConcern(ctx, tx, org.ODSCode)
	if err != nil {
		return nil, err
	}
	out[vigil.FactNoProductsOfConcern] = concern
	n, err := tx.OverdueCriticalAlerts(ctx, org.ODSCode)
	if err != nil {
		return nil, err
	}
	out[vigil.FactNoOverdueCritical] = overdueCritical(n)
	plan, err := tx.ContinuityPlan(ctx, org.ODSCode)
	if err != nil {
		return nil, err
	}
	out[vigil.FactRestoreTestedRecently] = restoreTested(plan.LastRestoreTest, s.now())
	last, err := tx.LastInventoryUpload(ctx, org.ODSCode)
	if err != nil {
		return nil, err
	}
	out[vigil.FactInventoryRecent] = inventoryRecent(last, s.now())
	return out, nil
}

func inventoryRecent(last, now time.Time) vigil.Known {
	k := vigil.Known{Fact: vigil.FactInventoryRecent, State: vigil.KnownNo,
		Detail: "vigil holds no software inventory for you: upload one on the software inventory page."}
	switch {
	case last.IsZero():
	case now.Sub(last) > inventoryAge:
		k.Detail = "Your software inventory was last uploaded on " + last.Format("2 January 2006") +
			", more than 90 days ago: upload a current one on the software inventory page."
	default:
		k.State, k.Detail = vigil.KnownYes, "Your software inventory was last uploaded on "+last.Format("2 January 2006")+"."
	}
	return k
}

func incidentRoute(org vigil.Org) vigil.Known {
	n := 0
	for _, c := range org.Contacts {
		if c.Email != "" || c.Phone != "" {
			n++
		}
	}
	k := vigil.Known{Fact: vigil.FactIncidentRouteKnown, State: vigil.KnownYes,
		Detail: fmt.Sprintf("vigil holds %s the sector centre can reach about an incident.", plural(n, "contact"))}
	if n == 0 {
		k.State, k.Detail = vigil.KnownNo, "vigil holds no contact with an e-mail address or phone number for you: add one on your organisation's page."
	}
	return k
}

func overdueCritical(n int) vigil.Known {
	if n == 0 {
		return vigil.Known{Fact: vigil.FactNoOverdueCritical, State: vigil.KnownYes, Detail: "No critical alert of yours is past its deadline."}
	}
	return vigil.Known{Fact: vigil.FactNoOverdueCritical, State: vigil.KnownNo,
		Detail: fmt.Sprintf("%s past its deadline: acknowledge and resolve it on the alerts page.", plural(n, "critical alert"))}
}

func restoreTested(last, now time.Time) vigil.Known {
	k := vigil.Known{Fact: vigil.FactRestoreTestedRecently, State: vigil.KnownNo,
		Detail: "No restore test is recorded: test restoring from a backup and put the date in your continuity plan."}
	switch {
	case last.IsZero():
	case now.Sub(last) > restoreTestAge:
		k.Detail = "The last restore test recorded in your continuity plan was on " + last.Format("2 January 2006") + ", more than a year ago."
	default:
		k.State, k.Detail = vigil.KnownYes, "Your continuity plan records a restore test on "+last.Format("2 January 2006")+"."
	}
	return k
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
