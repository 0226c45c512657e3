package pages

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

// contactFrom reads a contact form's fields.
func contactFrom(r *http.Request) vigil.Contact {
	return vigil.Contact{Name: r.PostFormValue("contact-name"), Role: r.PostFormValue("contact-role"),
		Email: r.PostFormValue("contact-email"), Phone: r.PostFormValue("contact-phone"), Notify: r.PostFormValue("contact-notify")}
}

// contactProblem is the field error for a refused contact, or false when err is not
// about the contact's fields.
func contactProblem(err error) (fieldError, bool) {
	var ce *orgs.ContactError
	if !errors.As(err, &ce) {
		return fieldError{}, false
	}
	return fieldError{"contact-" + ce.Field, capitalise(vigil.ErrorMessage(err))}, true
}

// contactAt is the {n} of the address: a contact's position from 1.
func contactAt(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "there is no contact %q: contacts are numbered from 1", r.PathValue("n"))
	}
	return n, nil
}

// contactAdd adds a contact to the organisation.
func (p *Pages) contactAdd(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	c := contactFrom(r)
	_, err = p.app.Orgs.EditContact(r.Context(), pr, pr.Org, orgs.ContactEdit{Contact: &c})
	if fe, ok := contactProblem(err); ok {
		p.renderOrganisation(w, r, pr, http.StatusUnprocessableEntity, []fieldError{fe}, organisationData{Contact: c,
			ContactOpen: true, Asset: assetForm{Kind: string(vigil.AssetDomain)}})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/organisation?done=contact-added#contacts", http.StatusSeeOther)
}

// contactData is the page that changes one contact.
type contactData struct {
	// At is the contact's position, from 1.
	At int
	// Was is the contact as stored when the page was opened.
	Was vigil.Contact
	// Contact is what the form holds.
	Contact vigil.Contact
}

// contactEdit shows the form that changes contact {n}.
func (p *Pages) contactEdit(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	n, err := contactAt(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := pr.Need(vigil.OrgEditors...); err != nil {
		p.fail(w, r, err) // the use case would refuse the change: say so before the form
		return
	}
	ods, err := ownOrg(pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	o, err := p.app.Orgs.Get(r.Context(), pr, ods)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if n > len(o.Contacts) {
		p.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "there is no contact %d: your organisation has %d", n, len(o.Contacts)))
		return
	}
	c := o.Contacts[n-1]
	p.render(w, r, http.StatusOK, "contact.html", &view{Title: "Change a contact", Data: contactData{At: n, Was: c, Contact: c}})
}

// contactSave changes contact {n}, as long as it is still the one the form was opened on.
func (p *Pages) contactSave(w http.ResponseWriter, r *http.Request) {
	p.changeContact(w, r, false)
}

// contactRemove removes contact {n}, as long as it is still the one the page showed.
func (p *Pages) contactRemove(w http.ResponseWriter, r *http.Request) {
	p.changeContact(w, r, true)
}

func (p *Pages) changeContact(w http.ResponseWriter, r *http.Request, remove bool) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	n, err := contactAt(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	e := orgs.ContactEdit{At: n, Was: vigil.Contact{Name: r.PostFormValue("was-name"), Email: r.PostFormValue("was-email")}}
	c := contactFrom(r)
	if !remove {
		e.Contact = &c
	}
	_, err = p.app.Orgs.EditContact(r.Context(), pr, pr.Org, e)
	if fe, ok := contactProblem(err); ok {
		p.render(w, r, http.StatusUnprocessableEntity, "contact.html", &view{Title: "Change a contact", Errors: []fieldError{fe},
			Data: contactData{At: n, Was: e.Was, Contact: c}})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	done := "contact-changed"
	if remove {
		done = "contact-removed"
	}
	http.Redirect(w, r, "/organisation?done="+done+"#contacts", http.StatusSeeOther)
}
