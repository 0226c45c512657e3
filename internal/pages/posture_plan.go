package pages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/posture"
)

// planData is the continuity plan, to read and print or to edit.
type planData struct {
	posture.PlanView
	CanEdit bool
	// Form is what the edit form shows: the plan's fields as typed.
	Form planForm
}

// planForm is the edit form's fields; rows are padded with empty ones to fill in.
type planForm struct {
	Systems                                []vigil.PlanSystem
	Contacts                               []vigil.PlanContact
	CareRecords, Medication, Rota, Backups string
	LastRestoreTest                        string
}

// planRows is how many rows of systems and of contacts the form offers.
const planRows = 6

// planFor reads the plan the page is about, or shows why not (false).
func (p *Pages) planFor(w http.ResponseWriter, r *http.Request) (vigil.Principal, posture.PlanView, bool) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return pr, posture.PlanView{}, false
	}
	v, err := p.app.Posture.Plan(r.Context(), pr, orgParam(r, pr))
	if err != nil {
		p.fail(w, r, err)
		return pr, v, false
	}
	return pr, v, true
}

func (p *Pages) planShow(w http.ResponseWriter, r *http.Request) {
	pr, v, ok := p.planFor(w, r)
	if !ok {
		return
	}
	p.render(w, r, http.StatusOK, "plan.html", &view{Title: "Continuity plan for " + v.Org.Name,
		Data: planData{PlanView: v, CanEdit: canAnswer(pr)}})
}

func (p *Pages) planEdit(w http.ResponseWriter, r *http.Request) {
	_, v, ok := p.planFor(w, r)
	if !ok {
		return
	}
	pl := v.Plan
	f := planForm{Systems: pl.Systems, Contacts: pl.Contacts, CareRecords: pl.CareRecords, Medication: pl.Medication,
		Rota: pl.Rota, Backups: pl.Backups}
	if !pl.LastRestoreTest.IsZero() {
		f.LastRestoreTest = pl.LastRestoreTest.Format("2006-01-02")
	}
	p.render(w, r, http.StatusOK, "plan_edit.html", &view{Title: "Edit the continuity plan", Data: planData{PlanView: v, Form: padded(f)}})
}

// padded fills the form's rows up to planRows, so there is room to add some.
func padded(f planForm) planForm {
	f.Systems = append(f.Systems, make([]vigil.PlanSystem, max(planRows-len(f.Systems), 0))...)
	f.Contacts = append(f.Contacts, make([]vigil.PlanContact, max(planRows-len(f.Contacts), 0))...)
	return f
}

// planFormFrom reads the edit form.
func planFormFrom(r *http.Request) planForm {
	f := planForm{CareRecords: r.PostFormValue("care_records"), Medication: r.PostFormValue("medication"),
		Rota: r.PostFormValue("rota"), Backups: r.PostFormValue("backups"), LastRestoreTest: r.PostFormValue("last_restore_test")}
	for i := range vigil.MaxPlanSystems {
		v := func(k string) string { return r.PostFormValue(fmt.Sprintf("systems-%d-%s", i, k)) }
		if i < planRows || v("name") != "" {
			f.Systems = append(f.Systems, vigil.PlanSystem{Name: v("name"), Supplier: v("supplier"), Phone: v("phone")})
		}
	}
	for i := range vigil.MaxPlanContacts {
		v := func(k string) string { return r.PostFormValue(fmt.Sprintf("contacts-%d-%s", i, k)) }
		if i < planRows || v("name") != "" {
			f.Contacts = append(f.Contacts, vigil.PlanContact{Name: v("name"), Role: v("role"), Phone: v("phone")})
		}
	}
	return f
}

func (p *Pages) planSave(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org, f := orgParam(r, pr), planFormFrom(r)
	_, err = p.app.Posture.SavePlan(r.Context(), pr, posture.PlanInput{Org: org, Systems: f.Systems, Contacts: f.Contacts,
		CareRecords: f.CareRecords, Medication: f.Medication, Rota: f.Rota, Backups: f.Backups, LastRestoreTest: f.LastRestoreTest})
	var fe *vigil.FieldError
	if errors.As(err, &fe) {
		v, verr := p.app.Posture.Plan(r.Context(), pr, org)
		if verr != nil {
			p.fail(w, r, verr)
			return
		}
		p.render(w, r, http.StatusUnprocessableEntity, "plan_edit.html", &view{Title: "Edit the continuity plan",
			Errors: errorOn(formField(fe.Field), err), Data: planData{PlanView: v, Form: padded(f)}})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/posture/plan?org="+url.QueryEscape(org)+"&done=plan-saved", http.StatusSeeOther)
}

// formField is the form's id for a field the use case names: a row ("systems[1]") is
// shown at its name's box ("systems-1-name").
func formField(field string) string {
	var kind string
	var n int
	if _, err := fmt.Sscanf(strings.Replace(field, "[", " ", 1), "%s %d]", &kind, &n); err == nil {
		return fmt.Sprintf("%s-%d-name", kind, n)
	}
	return field
}
