package exposure

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// Attest records supplier p's word that it fixed vulnerability id (any of its IDs) in
// what it supplies from version fixed on, and checks its affected customers again:
// each customer's finding in the supplier's components closes when its inventory shows
// that version or a later one. A vulnerability found in none of the supplier's
// components at its customers is not found.
func (s *Service) Attest(ctx context.Context, p vigil.Principal, id, fixed, note string) (vigil.Attestation, error) {
	if err := p.Need(vigil.RoleSupplier); err != nil {
		return vigil.Attestation{}, err
	}
	fixed = strings.TrimSpace(fixed)
	if fixed == "" || len(fixed) > 200 {
		return vigil.Attestation{}, vigil.OnField("fixed_version", vigil.Errorf(vigil.EINVALID,
			"fixed_version: give the first version of your software without the vulnerability, such as 2.17.1"))
	}
	note, err := vigil.Text("note", note, 2000, false)
	if err != nil {
		return vigil.Attestation{}, vigil.OnField("note", err)
	}
	root := s.snap.Load().cache.DB().Root(strings.TrimSpace(id))
	a := vigil.Attestation{Supplier: p.Org, Vuln: root, FixedVersion: fixed, Note: note, AttestedBy: p.Email, AttestedAt: s.now().UTC()}
	var customers []string
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if customers, err = suppliedCustomers(ctx, tx, p.Org, root); err != nil {
			return err
		}
		if len(customers) == 0 {
			return vigil.Errorf(vigil.ENOTFOUND, "vulnerability %s is not found in software your customers get from you", id)
		}
		if err := tx.PutAttestation(ctx, a); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "vulnerability.attest", "vulnerability/"+root, map[string]any{
			"supplier": p.Org, "fixed_version": fixed, "customers": len(customers)})
		return err
	})
	if err != nil {
		return vigil.Attestation{}, err
	}
	s.recheck(ctx, customers)
	return a, nil
}

// ApplyAttestation is an analyst p's decision that supplier's attestation about
// vulnerability id closes its customers' findings in its components at once, whatever
// version their inventories show; each closes with a note saying so, ending with the
// analyst's own words (note) when there are any.
func (s *Service) ApplyAttestation(ctx context.Context, p vigil.Principal, id, supplier, note string) (vigil.Attestation, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vigil.Attestation{}, err
	}
	note, err := vigil.Text("note", note, 2000, false)
	if err != nil {
		return vigil.Attestation{}, vigil.OnField("note", err)
	}
	root := s.snap.Load().cache.DB().Root(strings.TrimSpace(id))
	var a vigil.Attestation
	var customers []string
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		list, err := tx.Attestations(ctx, root)
		if err != nil {
			return err
		}
		found := false
		for _, x := range list {
			if strings.EqualFold(x.Supplier, strings.TrimSpace(supplier)) {
				a, found = x, true
			}
		}
		if !found {
			return vigil.Errorf(vigil.ENOTFOUND, "supplier %s has not attested a fix of %s", supplier, id)
		}
		a.AppliedBy, a.AppliedAt, a.AppliedNote = p.Email, s.now().UTC(), note
		if err := tx.PutAttestation(ctx, a); err != nil {
			return err
		}
		if customers, err = suppliedCustomers(ctx, tx, a.Supplier, root); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "vulnerability.attestation_apply", "vulnerability/"+root, map[string]any{
			"supplier": a.Supplier, "fixed_version": a.FixedVersion, "customers": len(customers), "note": note})
		return err
	})
	if err != nil {
		return vigil.Attestation{}, err
	}
	s.recheck(ctx, customers)
	return a, nil
}

// recheck checks the organisations again, one by one, logging failures.
func (s *Service) recheck(ctx context.Context, orgs []string) {
	for _, org := range orgs {
		s.InventoryChanged(ctx, org)
	}
}

// suppliedCustomers are supplier's customers with an open finding of root in a component
// attributed to the supplier.
func suppliedCustomers(ctx context.Context, tx *store.Store, supplier, root string) ([]string, error) {
	sup, err := tx.GetOrg(ctx, supplier)
	if err != nil {
		return nil, err
	}
	all, err := tx.VulnExposures(ctx, root, "")
	if err != nil {
		return nil, err
	}
	customers, err := tx.Customers(ctx, supplier)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range all {
		if !e.FixedAt.IsZero() || !isCustomer(customers, e.Org) {
			continue
		}
		for _, c := range e.Components {
			if supplierOf(c.Supplier, []vigil.Org{sup}) != "" {
				out = append(out, e.Org)
				break
			}
		}
	}
	return out, nil
}

func isCustomer(customers []vigil.Org, org string) bool {
	for _, c := range customers {
		if c.ODSCode == org {
			return true
		}
	}
	return false
}

// attested drops from the findings of a check the components whose supplier attested
// the vulnerability fixed at their version (or whose attestation an analyst applied),
// and a finding left with none, remembering why for the note that resolves its alert.
func (r *reconcile) attested(ctx context.Context, found map[string]vigil.Exposure) error {
	linked, err := r.tx.Suppliers(ctx, r.org)
	if err != nil || len(linked) == 0 {
		return err
	}
	r.attestedWhy = map[string]string{}
	for _, root := range sortedKeys(found) {
		e := found[root]
		if !hasSupplier(e) {
			continue
		}
		atts, err := r.tx.Attestations(ctx, root)
		if err != nil || len(atts) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		var keep []vigil.AffectedComponent
		for _, c := range e.Components {
			if why := covered(c, linked, atts); why != "" {
				r.attestedWhy[root] = why
				continue
			}
			keep = append(keep, c)
		}
		if len(keep) == 0 {
			delete(found, root)
			continue
		}
		e.Components = keep
		found[root] = e
	}
	return nil
}

func hasSupplier(e vigil.Exposure) bool {
	for _, c := range e.Components {
		if c.Supplier != "" {
			return true
		}
	}
	return false
}

// covered says why a component's supplier's attestation covers it, or "".
func covered(c vigil.AffectedComponent, linked []vigil.Org, atts []vigil.Attestation) string {
	sup := supplierOf(c.Supplier, linked)
	for _, a := range atts {
		if sup == "" || a.Supplier != sup {
			continue
		}
		if !a.AppliedAt.IsZero() {
			return appliedWhy(c.Supplier, a)
		}
		if reached(c, a.FixedVersion) {
			return withSupplierNote(fmt.Sprintf("%s attests it is fixed from version %s, and inventory %q shows %s %s",
				c.Supplier, a.FixedVersion, c.Source, c.Name, c.Version), a)
		}
	}
	return ""
}

// reached reports whether component c's version is fixed or later: by its ecosystem's
// order, or, for a product outside package ecosystems, as dotted numbers (the order
// sector advisories use).
func reached(c vigil.AffectedComponent, fixed string) bool {
	if c.Ecosystem == "" {
		v, errV := vigil.ParseProductVersion(c.Version)
		f, errF := vigil.ParseProductVersion(fixed)
		return errV == nil && errF == nil && v.Compare(f) >= 0
	}
	cmp, ok := vuln.CompareVersions(c.Ecosystem, c.Version, fixed)
	return ok && cmp >= 0
}

// appliedWhy says why an attestation the sector centre applied closes a finding;
// supplier is the supplier as the customer's inventory names it.
func appliedWhy(supplier string, a vigil.Attestation) string {
	why := withSupplierNote(fmt.Sprintf("%s attests it is fixed from version %s, and the sector centre (%s) closed it at once",
		supplier, a.FixedVersion, a.AppliedBy), a)
	return withNote(why, "The sector centre's note: ", a.AppliedNote)
}

// withSupplierNote adds the supplier's own words about the fix, when it gave any.
func withSupplierNote(why string, a vigil.Attestation) string {
	return withNote(why, "The supplier's note: ", a.Note)
}

// withNote adds someone's words to why, introduced by whose, when there are any.
func withNote(why, whose, note string) string {
	if note = strings.TrimRight(strings.TrimSpace(note), "."); note != "" {
		why += ". " + whose + note
	}
	return why
}

// closeNote is the note that resolves a finding's alert because of an attestation.
func closeNote(vuln, why string) string {
	return alerts.Shorten("vigil closes "+vuln+": "+why+".", 2000)
}
