package orgs

import (
	"context"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// ContactEdit is one change to an organisation's contact list, as a person makes it on
// a page: add a contact, change one, or remove one.
type ContactEdit struct {
	// At is the position, from 1, of the contact to change or remove; 0 adds Contact.
	At int
	// Was is the contact at At as the person saw it (its name and email are compared):
	// when the list has changed meanwhile, the edit is a conflict rather than a change
	// to someone else.
	Was vigil.Contact
	// Contact replaces the one at At, or is added; nil removes the one at At.
	Contact *vigil.Contact
}

// ContactError is an invalid contact, with the part that is wrong.
type ContactError struct {
	// Field is the part to fix: name, role, email, phone or notify.
	Field string
	// Err says what is wrong, as a vigil error.
	Err error
}

// Error implements error.
func (e *ContactError) Error() string { return e.Err.Error() }

// Unwrap returns the vigil error, so that its code and message reach the doors.
func (e *ContactError) Unwrap() error { return e.Err }

// EditContact makes one change to an organisation's contacts in one transaction,
// audited as org.update: sector roles for any organisation, an org_admin for its own;
// any other is not found. Editing one contact at a time, checked against what the person
// saw, keeps two people editing the list at once from undoing each other's changes.
func (s *Service) EditContact(ctx context.Context, p vigil.Principal, ods string, e ContactEdit) (vigil.Org, error) {
	if err := p.Need(vigil.OrgEditors...); err != nil {
		return vigil.Org{}, err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !vigil.AudienceOf(p, nil).SeesOrg(code) {
		return vigil.Org{}, vigil.OrgNotFound(ods)
	}
	if e.Contact != nil {
		c, err := checkContact(*e.Contact)
		if err != nil {
			return vigil.Org{}, err
		}
		e.Contact = &c
	}
	var o vigil.Org
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		cur, err := tx.GetOrg(ctx, code)
		if err != nil {
			return err
		}
		list, what, err := edited(cur.Contacts, e)
		if err != nil {
			return err
		}
		if o, _, err = tx.UpdateOrgAs(ctx, code, vigil.OrgPatch{Contacts: &list}, store.Claimant{By: p.Email}); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "org.update", code, map[string]any{"contacts": len(list), "contact": what})
		return err
	})
	return o, err
}

// checkContact checks and tidies a contact, saying which part is wrong.
func checkContact(c vigil.Contact) (vigil.Contact, error) {
	var err error
	for _, f := range []struct {
		field, what string
		v           *string
		max         int
		required    bool
	}{{"name", "the name", &c.Name, 200, true}, {"role", "the job title", &c.Role, 200, false}, {"phone", "the phone number", &c.Phone, 50, false}} {
		if *f.v, err = vigil.Text(f.what, *f.v, f.max, f.required); err != nil {
			return c, &ContactError{Field: f.field, Err: err}
		}
	}
	if c.Email = strings.TrimSpace(c.Email); c.Email != "" {
		if c.Email, err = store.CanonicalEmail(c.Email); err != nil {
			return c, &ContactError{Field: "email", Err: err}
		}
	}
	if c.Notify, err = vigil.NormalizeNotify(c.Notify); err != nil {
		return c, &ContactError{Field: "notify", Err: err}
	}
	return c, nil
}

// edited is contacts after e, and what e did ("added", "changed" or "removed").
func edited(contacts []vigil.Contact, e ContactEdit) ([]vigil.Contact, string, error) {
	list := append([]vigil.Contact(nil), contacts...)
	if e.At == 0 {
		if e.Contact == nil {
			return nil, "", vigil.Errorf(vigil.EINVALID, "there is no contact to add")
		}
		return append(list, *e.Contact), "added", nil
	}
	if e.At < 0 || e.At > len(list) || !sameContact(list[e.At-1], e.Was) {
		return nil, "", vigil.Errorf(vigil.ECONFLICT, "the contacts have changed since you opened them: look at the list again and redo your change")
	}
	if e.Contact == nil {
		return append(list[:e.At-1], list[e.At:]...), "removed", nil
	}
	list[e.At-1] = *e.Contact
	return list, "changed", nil
}

// sameContact reports whether a and b are the same person as far as an edit can tell.
func sameContact(a, b vigil.Contact) bool {
	return a.Name == strings.TrimSpace(b.Name) && strings.EqualFold(a.Email, strings.TrimSpace(b.Email))
}

// NormalizeAsset returns a as the store will hold it (a masked network, a lower-case
// name), or an invalid error in the store's words: the pages use it to say whether an
// asset just added waits for approval or was already there.
func NormalizeAsset(a vigil.Asset) (vigil.Asset, error) {
	return store.NormalizeAsset(a)
}
