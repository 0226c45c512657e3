package posture

import (
	"context"
	"fmt"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture/frameworks"
	"github.com/vigil-health/vigil/internal/store"
)

// PlanView is a continuity plan with what vigil adds to it: the organisation, and the
// Local Support Organisation to call.
type PlanView struct {
	// Org is the organisation.
	Org vigil.Org
	// Plan is its plan; UpdatedAt is zero when it was never saved.
	Plan vigil.ContinuityPlan
	// LSO is the Local Support Organisation serving it, if one is linked.
	LSO *vigil.Org
}

// Plan returns organisation ods's continuity plan.
func (s *Service) Plan(ctx context.Context, p vigil.Principal, ods string) (PlanView, error) {
	code, err := orgFor(p, ods, readers)
	if err != nil {
		return PlanView{}, err
	}
	var v PlanView
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		v, err = planView(ctx, tx, code)
		return err
	})
	return v, err
}

func planView(ctx context.Context, tx *store.Store, code string) (PlanView, error) {
	var v PlanView
	var err error
	if v.Org, err = tx.GetOrg(ctx, code); err != nil {
		return v, err
	}
	if v.Plan, err = tx.ContinuityPlan(ctx, code); err != nil {
		return v, err
	}
	lso, ok, err := tx.LSOOf(ctx, code)
	if ok {
		v.LSO = &lso
	}
	return v, err
}

// PlanInput is a continuity plan as a form or the API sends it.
type PlanInput struct {
	// Org is the organisation's ODS code; empty means the caller's own.
	Org string
	// Systems and Contacts are the rows; rows left wholly empty are dropped.
	Systems  []vigil.PlanSystem
	Contacts []vigil.PlanContact
	// CareRecords, Medication, Rota and Backups are the fallbacks and where backups are.
	CareRecords, Medication, Rota, Backups string
	// LastRestoreTest is a date, YYYY-MM-DD, or empty.
	LastRestoreTest string
}

// SavePlan stores organisation's continuity plan and the scores it changes (the date
// of the last restore test is evidence vigil fills in). A refused field is a
// *vigil.FieldError naming it.
func (s *Service) SavePlan(ctx context.Context, p vigil.Principal, in PlanInput) (PlanView, error) {
	code, err := orgFor(p, in.Org, writers)
	if err != nil {
		return PlanView{}, err
	}
	plan, err := s.checkPlan(in)
	if err != nil {
		return PlanView{}, err
	}
	plan.Org, plan.UpdatedBy = code, p.Email
	var v PlanView
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.SaveContinuityPlan(ctx, plan); err != nil {
			return err
		}
		if err := s.rescore(ctx, tx, code); err != nil {
			return err
		}
		if v, err = planView(ctx, tx, code); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "continuity.save", "continuity/"+code, map[string]any{
			"systems": len(plan.Systems), "contacts": len(plan.Contacts), "last_restore_test": dateOnly(plan)})
		return err
	})
	return v, err
}

// rescore records code's score on every framework, after a change to what vigil knows.
func (s *Service) rescore(ctx context.Context, tx *store.Store, code string) error {
	for _, f := range frameworks.All() {
		a, err := s.assess(ctx, tx, code, f)
		if err != nil {
			return err
		}
		if err := tx.AddPostureScore(ctx, code, a.Result.Score); err != nil {
			return err
		}
	}
	return nil
}

func dateOnly(p vigil.ContinuityPlan) string {
	if p.LastRestoreTest.IsZero() {
		return ""
	}
	return p.LastRestoreTest.Format("2006-01-02")
}

// checkPlan validates a plan's fields, naming the first one to fix.
func (s *Service) checkPlan(in PlanInput) (vigil.ContinuityPlan, error) {
	var plan vigil.ContinuityPlan
	var err error
	if plan.Systems, err = checkRows("systems", in.Systems, vigil.MaxPlanSystems, func(r *vigil.PlanSystem) []*string {
		return []*string{&r.Name, &r.Supplier, &r.Phone}
	}); err != nil {
		return plan, err
	}
	if plan.Contacts, err = checkRows("contacts", in.Contacts, vigil.MaxPlanContacts, func(r *vigil.PlanContact) []*string {
		return []*string{&r.Name, &r.Role, &r.Phone}
	}); err != nil {
		return plan, err
	}
	for _, t := range []struct {
		field string
		in    string
		out   *string
	}{{"care_records", in.CareRecords, &plan.CareRecords}, {"medication", in.Medication, &plan.Medication},
		{"rota", in.Rota, &plan.Rota}, {"backups", in.Backups, &plan.Backups}} {
		if *t.out, err = vigil.Text("the "+fieldWords(t.field), t.in, 2000, false); err != nil {
			return plan, fieldErr(t.field, err)
		}
	}
	if plan.LastRestoreTest, err = vigil.ParseDate("the last restore test", in.LastRestoreTest); err != nil {
		return plan, fieldErr("last_restore_test", err)
	}
	if plan.LastRestoreTest.After(s.now()) {
		return plan, fieldErr("last_restore_test", vigil.Errorf(vigil.EINVALID, "the last restore test %s is in the future: give the day it was done", in.LastRestoreTest))
	}
	return plan, nil
}

func fieldWords(f string) string {
	switch f {
	case "care_records":
		return "care records fallback"
	case "backups":
		return "backups"
	}
	return f + " fallback"
}

// checkRows validates plan rows: each field short text, a row with anything in it
// needs its first field (the name), wholly empty rows are dropped, at most max rows.
func checkRows[T any](field string, rows []T, max int, fields func(*T) []*string) ([]T, error) {
	out := []T{}
	for i, r := range rows {
		fs := fields(&r)
		empty := true
		for j, f := range fs {
			v, err := vigil.Text(fmt.Sprintf("%s row %d", field, i+1), *f, 200, false)
			if err != nil {
				return nil, fieldErr(fmt.Sprintf("%s[%d]", field, i), err)
			}
			*fs[j], empty = v, empty && v == ""
		}
		if empty {
			continue
		}
		if *fs[0] == "" {
			return nil, fieldErr(fmt.Sprintf("%s[%d]", field, i), vigil.Errorf(vigil.EINVALID, "%s row %d needs a name", field, i+1))
		}
		out = append(out, r)
	}
	if len(out) > max {
		return nil, fieldErr(field, vigil.Errorf(vigil.EINVALID, "at most %d %s: keep the plan to what fits on paper", max, field))
	}
	return out, nil
}
