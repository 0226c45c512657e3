package vigil

import "slices"

// Audience is what one principal may see: the one visibility rule. Sector roles see
// every organisation; organisation roles their own; a supplier its own and its
// customers', but not a customer's alerts marked TLP:AMBER+STRICT or TLP:RED, which are
// for the organisation alone. TLP:RED is for named recipients (TLP 2.0): within the
// organisation, its administrators and the people named as its contacts see its RED
// alerts, and a member who is neither does not.
type Audience struct {
	// All is true for sector roles.
	All bool
	// Own is the principal's organisation, if any.
	Own string
	// Customers are a supplier's customers, in ODS-code order.
	Customers []string
	// NotNamed is true for an organisation member who is not one of its named
	// recipients (an administrator or a named contact): it does not see its own
	// organisation's TLP:RED alerts.
	NotNamed bool
}

// NamedOnly reports whether something marked t is for named recipients rather than for
// everyone at the organisation: an immediate message about an alert marked TLP:RED or
// TLP:AMBER+STRICT goes to the organisation's administrators and named contacts alone.
func NamedOnly(t TLP) bool { return t.Rank() >= TLPAmberStrict.Rank() }

// AudienceOf is p's audience; customers are the organisations a supplier serves (ignored
// for other roles). An organisation member starts NotNamed: whoever knows the
// organisation's contacts clears it for a member named among them.
func AudienceOf(p Principal, customers []string) Audience {
	a := Audience{All: p.Role.Sector(), Own: p.Org, NotNamed: p.Role == RoleOrgMember}
	if p.Role == RoleSupplier && p.Org != "" {
		a.Customers = slices.Sorted(slices.Values(customers))
	}
	return a
}

// SeesOrg reports whether the audience may see the organisation with this (normalised)
// ODS code.
func (a Audience) SeesOrg(ods string) bool {
	return a.All || a.Own != "" && ods == a.Own || a.customer(ods)
}

// Sees reports whether the audience may see something of organisation org marked tlp.
func (a Audience) Sees(org string, tlp TLP) bool {
	switch {
	case a.All:
		return true
	case a.Own != "" && org == a.Own:
		return !a.NotNamed || tlp != TLPRed
	case a.customer(org):
		return tlp.Rank() < TLPAmberStrict.Rank()
	}
	return false
}

// SeesAlert reports whether the audience may see the alert.
func (a Audience) SeesAlert(al Alert) bool { return a.Sees(al.Org, al.TLP) }

// Orgs lists the organisations a non-sector audience may see, in ODS-code order.
func (a Audience) Orgs() []string {
	out := slices.Clone(a.Customers)
	if a.Own != "" && !a.customer(a.Own) {
		out = append(out, a.Own)
		slices.Sort(out)
	}
	return out
}

func (a Audience) customer(ods string) bool {
	_, ok := slices.BinarySearch(a.Customers, ods)
	return ok
}

// OrgNotFound is the answer for an organisation that does not exist or that the caller
// may not see: the same words either way, so that a hidden organisation's existence does
// not leak.
func OrgNotFound(ods string) error {
	code, err := NormalizeODS(ods)
	if err != nil {
		return Errorf(ENOTFOUND, "no organisation %q", ods)
	}
	return Errorf(ENOTFOUND, "no organisation %s", code)
}

// PickOrg checks an organisation a list was asked to keep to: "" stays "" (every
// organisation the audience sees), a sector audience's code goes through as given (an
// unknown one lists nothing), and otherwise the normalised code when the audience may see
// it, or OrgNotFound.
func (a Audience) PickOrg(ods string) (string, error) {
	if ods == "" || a.All {
		return ods, nil
	}
	code, err := NormalizeODS(ods)
	if err != nil || !a.SeesOrg(code) {
		return "", OrgNotFound(ods)
	}
	return code, nil
}
