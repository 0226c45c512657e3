package exposure

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// SuppliedVulnerability is one vulnerability found in software a supplier supplies, as
// its customers' inventories show it: what the supplier's security lead works from.
type SuppliedVulnerability struct {
	// Vuln is the most urgent of the customers' findings: the vulnerability's ID,
	// aliases, summary, severity, KEV and EPSS.
	Vuln vigil.Exposure
	// Customers are the customers whose inventories show the supplier's software
	// affected, now or before, by name; each finding holds the supplier's components only.
	Customers []CustomerFinding
	// Attestation is the supplier's "fixed in version X"; zero when it has given none.
	Attestation vigil.Attestation
	// AlertID is the supplier's consolidated alert about it; 0 when there is none.
	AlertID int64
}

// CustomerFinding is one customer's finding in a supplier's software.
type CustomerFinding struct {
	// Name is the customer's name.
	Name string
	// Finding is its finding, with the supplier's components only.
	Finding vigil.Exposure
}

// Open counts the customers still affected; Fixed those no longer affected.
func (v SuppliedVulnerability) Open() int { return len(v.Customers) - v.Fixed() }

// Fixed counts the customers whose finding is closed.
func (v SuppliedVulnerability) Fixed() int {
	n := 0
	for _, c := range v.Customers {
		if !c.Finding.FixedAt.IsZero() {
			n++
		}
	}
	return n
}

// Supplied lists the vulnerabilities found in the software supplier p supplies to its
// customers, still affecting one first (then most urgent first): one line each with the
// customers and how far each is, and p's attestation. Only suppliers may ask.
func (s *Service) Supplied(ctx context.Context, p vigil.Principal) ([]SuppliedVulnerability, error) {
	return s.supplied(ctx, p, "")
}

// SuppliedVulnerability is one vulnerability (by any of its IDs) in the software
// supplier p supplies; not found when no customer's inventory shows it in p's software.
func (s *Service) SuppliedVulnerability(ctx context.Context, p vigil.Principal, id string) (SuppliedVulnerability, error) {
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 200 {
		return SuppliedVulnerability{}, vigil.Errorf(vigil.EINVALID, "give a vulnerability ID such as CVE-2021-44228")
	}
	list, err := s.supplied(ctx, p, s.snap.Load().cache.DB().Root(id))
	if err != nil {
		return SuppliedVulnerability{}, err
	}
	if len(list) == 0 {
		return SuppliedVulnerability{}, vigil.Errorf(vigil.ENOTFOUND, "vulnerability %s is not found in software your customers get from you", id)
	}
	return list[0], nil
}

// supplied builds the supplier's view of one vulnerability (root), or of all when root is "".
func (s *Service) supplied(ctx context.Context, p vigil.Principal, root string) ([]SuppliedVulnerability, error) {
	if err := p.Need(vigil.RoleSupplier); err != nil {
		return nil, err
	}
	sup, err := s.store.GetOrg(ctx, p.Org)
	if err != nil {
		return nil, err
	}
	customers, err := s.store.Customers(ctx, sup.ODSCode)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range customers {
		names[c.ODSCode] = c.Name
	}
	all, err := s.store.CustomerExposures(ctx, sup.ODSCode)
	if err != nil {
		return nil, err
	}
	byVuln := map[string]*SuppliedVulnerability{}
	var out []*SuppliedVulnerability
	for _, e := range all {
		if root != "" && e.Vuln != root {
			continue
		}
		if e.Components = componentsOf(sup, e.Components); len(e.Components) == 0 {
			continue
		}
		v := byVuln[e.Vuln]
		if v == nil {
			v = &SuppliedVulnerability{Vuln: e}
			byVuln[e.Vuln] = v
			out = append(out, v)
		}
		if e.Severity.Rank() > v.Vuln.Severity.Rank() || e.KEV && !v.Vuln.KEV {
			v.Vuln = e
		}
		v.Customers = append(v.Customers, CustomerFinding{Name: cmp.Or(names[e.Org], e.Org), Finding: e})
	}
	if err := s.withAttestations(ctx, sup.ODSCode, byVuln); err != nil {
		return nil, err
	}
	list := make([]SuppliedVulnerability, len(out))
	for i, v := range out {
		list[i] = *v
	}
	slices.SortStableFunc(list, func(a, b SuppliedVulnerability) int {
		return cmp.Or(cmpBool(b.Open() > 0, a.Open() > 0), cmpBool(b.Vuln.KEV, a.Vuln.KEV),
			cmp.Compare(b.Vuln.Severity.Rank(), a.Vuln.Severity.Rank()), cmp.Compare(a.Vuln.Vuln, b.Vuln.Vuln))
	})
	return list, nil
}

// withAttestations adds the supplier's attestation and consolidated alert to each line.
func (s *Service) withAttestations(ctx context.Context, supplier string, byVuln map[string]*SuppliedVulnerability) error {
	var keys []store.AlertKey
	for root, v := range byVuln {
		keys = append(keys, store.AlertKey{Org: supplier, DedupKey: "vulnerability-supplier|" + root})
		atts, err := s.store.Attestations(ctx, root)
		if err != nil {
			return err
		}
		for _, a := range atts {
			if a.Supplier == supplier {
				v.Attestation = a
			}
		}
	}
	alertsByKey, err := s.store.AlertsByKey(ctx, keys)
	if err != nil {
		return err
	}
	for k, a := range alertsByKey {
		byVuln[strings.TrimPrefix(k.DedupKey, "vulnerability-supplier|")].AlertID = a.ID
	}
	return nil
}

// componentsOf are the components the inventory attributes to supplier sup.
func componentsOf(sup vigil.Org, comps []vigil.AffectedComponent) []vigil.AffectedComponent {
	var out []vigil.AffectedComponent
	for _, c := range comps {
		if supplierOf(c.Supplier, []vigil.Org{sup}) != "" {
			out = append(out, c)
		}
	}
	return out
}

// AttestationState is a supplier's attestation about a vulnerability with how far the
// customers it covers are, as the sector centre sees it.
type AttestationState struct {
	vigil.Attestation
	// SupplierName is the supplier's name.
	SupplierName string
	// Open names the customers whose finding in the supplier's software is still open
	// ("Riverside Lodge (1-101000001)"); Closed those whose finding is closed.
	Open, Closed []string
	// ClosingNote is what applying the attestation records on each customer's alert as it
	// closes (Note is the supplier's own).
	ClosingNote string
}

// Attestations lists the suppliers' attestations about vulnerability id (any of its
// IDs), each with its customers still open and closed, and the note applying it would
// record in analyst p's name. Only the sector centre may ask.
func (s *Service) Attestations(ctx context.Context, p vigil.Principal, id string) ([]AttestationState, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	root := s.snap.Load().cache.DB().Root(strings.TrimSpace(id))
	atts, err := s.store.Attestations(ctx, root)
	if err != nil || len(atts) == 0 {
		return nil, err
	}
	found, err := s.store.VulnExposures(ctx, root, "")
	if err != nil {
		return nil, err
	}
	out := make([]AttestationState, 0, len(atts))
	for _, a := range atts {
		st, err := s.attestationState(ctx, p, a, found)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// Attestation is supplier's attestation about vulnerability id, as Attestations gives it.
func (s *Service) Attestation(ctx context.Context, p vigil.Principal, id, supplier string) (AttestationState, error) {
	list, err := s.Attestations(ctx, p, id)
	if err != nil {
		return AttestationState{}, err
	}
	for _, a := range list {
		if strings.EqualFold(a.Supplier, strings.TrimSpace(supplier)) {
			return a, nil
		}
	}
	return AttestationState{}, vigil.Errorf(vigil.ENOTFOUND, "supplier %s has not attested a fix of %s", supplier, id)
}

// attestationState is one attestation with its customers, from the vulnerability's findings.
func (s *Service) attestationState(ctx context.Context, p vigil.Principal, a vigil.Attestation, found []vigil.Exposure) (AttestationState, error) {
	sup, err := s.store.GetOrg(ctx, a.Supplier)
	if err != nil {
		return AttestationState{}, err
	}
	customers, err := s.store.Customers(ctx, a.Supplier)
	if err != nil {
		return AttestationState{}, err
	}
	st := AttestationState{Attestation: a, SupplierName: sup.Name}
	for _, e := range found {
		i := slices.IndexFunc(customers, func(o vigil.Org) bool { return o.ODSCode == e.Org })
		if i < 0 || len(componentsOf(sup, e.Components)) == 0 {
			continue
		}
		who := customers[i].Name + " (" + e.Org + ")"
		if e.FixedAt.IsZero() {
			st.Open = append(st.Open, who)
		} else {
			st.Closed = append(st.Closed, who)
		}
	}
	applied := a
	if applied.AppliedAt.IsZero() {
		applied.AppliedBy = p.Email
	}
	st.ClosingNote = closeNote(a.Vuln, appliedWhy(sup.Name, applied))
	return st, nil
}
