package demo

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/app"
	"github.com/vigil-health/vigil/internal/posture"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/support"
)

// LSOODS is the demo's Local Support Organisation, which serves the North West's care
// homes (Oakleigh House among them).
const LSOODS = "L9NW1"

// lsoOrg is the Local Support Organisation: a domain and a contact, no network of its
// own to watch.
func lsoOrg() vigil.Org {
	return vigil.Org{ODSCode: LSOODS, Name: "North West Care Digital Support", Kind: vigil.OrgLSO, Region: "North West",
		Domains: []string{"nw-care-digital.example"},
		Contacts: []vigil.Contact{{Name: "Help desk", Role: "Cyber support for care providers", Email: "help@nw-care-digital.example",
			Phone: "0300 123 4567"}}}
}

// seedLSO creates the LSO and links it to the North West's care providers, inside the
// sector's seeding transaction (its login needs the organisation).
func seedLSO(ctx context.Context, tx *store.Store) error {
	if _, _, err := tx.CreateOrg(ctx, lsoOrg()); err != nil {
		return fmt.Errorf("demo: organisation %s: %w", LSOODS, err)
	}
	for _, o := range careProviders {
		if o.region != "North West" {
			continue
		}
		if err := tx.SetLSO(ctx, o.ods, LSOODS); err != nil {
			return fmt.Errorf("demo: link %s to its LSO: %w", o.ods, err)
		}
	}
	return nil
}

// demoAnswer is one answer a demo provider has given.
type demoAnswer struct {
	org, item string
	grade     vigil.Grade
	evidence  string
}

// seedPosture gives a few providers an elevated-threat checklist in different states,
// Oakleigh House a continuity plan, and its LSO a request to answer: through the use
// cases, so that scores, history and audit entries are as real ones are.
func seedPosture(ctx context.Context, a *app.App) error {
	admin := vigil.Principal{Email: "admin@hccc.example", Role: vigil.RoleSectorAdmin}
	answers := []demoAnswer{
		{CareHomeODS, "dspt", vigil.GradeDone, "Published on 20 June, Standards met."},
		{CareHomeODS, "tell-it", vigil.GradeDone, "Emailed CarePlan Cloud and our IT contractor."},
		{CareHomeODS, "insurance", vigil.GradeNotDone, ""},
		{"1-101000001", "dspt", vigil.GradeDone, "Published in June."},
		{"1-101000001", "tell-it", vigil.GradeDone, ""},
		{"1-101000001", "continuity-plan", vigil.GradeDone, "Red folder in the manager's office."},
		{"1-101000001", "insurance", vigil.GradeDone, "Policy renews in April."},
		{"1-101000001", "products-of-concern", vigil.GradeDone, "None found by our IT contractor."},
		{"1-101000001", "long-haul", vigil.GradeDone, "Deputy manager covers holidays."},
		{"1-101000002", "dspt", vigil.GradeInProgress, ""},
	}
	for _, x := range answers {
		in := posture.Answer{Org: x.org, Framework: "checklist", Item: x.item, Grade: x.grade, Evidence: x.evidence}
		if _, err := a.Posture.SetAnswer(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: posture of %s: %w", x.org, err)
		}
	}
	_, err := a.Posture.SavePlan(ctx, admin, posture.PlanInput{Org: CareHomeODS,
		Systems:    []vigil.PlanSystem{{Name: "Digital care records", Supplier: "CarePlan Cloud Ltd", Phone: "0300 555 0100"}},
		Contacts:   []vigil.PlanContact{{Name: "Linda Marsh", Role: "Registered manager", Phone: "07700 900123"}},
		Medication: "Printed MAR charts for the week are in the locked cabinet in the office; record on paper and enter afterwards.",
		Backups:    "CarePlan Cloud keeps the care records; the office PC backs up nightly to the encrypted drive in the safe."})
	if err != nil {
		return fmt.Errorf("demo: continuity plan: %w", err)
	}
	manager := vigil.Principal{Email: "manager@oakleigh-house-care-home.example", Role: vigil.RoleOrgAdmin, Org: CareHomeODS}
	_, err = a.Support.Ask(ctx, manager, support.Ask{Subject: "Do we need cyber insurance?", Context: "posture/checklist/insurance",
		Body: "We are a 30-bed home. Is cyber insurance worth it for us, and what should the policy cover?"})
	if err != nil {
		return fmt.Errorf("demo: support request: %w", err)
	}
	return nil
}
