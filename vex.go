package vigil

import (
	"strings"
	"time"
)

// VEXStatus is what a VEX statement says about a vulnerability in a product, in OpenVEX's
// words (CycloneDX's analysis states are read into these).
type VEXStatus string

// The VEX statuses.
const (
	// VEXNotAffected: the product is not affected (the vulnerable code is not present, not
	// reachable…); with a justification, the finding is suppressed.
	VEXNotAffected VEXStatus = "not_affected"
	// VEXAffected: the product is affected; the finding stays open.
	VEXAffected VEXStatus = "affected"
	// VEXFixed: this version of the product contains a fix; the finding is closed.
	VEXFixed VEXStatus = "fixed"
	// VEXUnderInvestigation: the supplier does not know yet; the finding stays open.
	VEXUnderInvestigation VEXStatus = "under_investigation"
)

// VEXStatuses are the statuses a statement may have.
var VEXStatuses = []VEXStatus{VEXNotAffected, VEXAffected, VEXFixed, VEXUnderInvestigation}

// VEXStatement is one supplier's or organisation's statement that a vulnerability does or
// does not affect one product (a package, or a product outside package ecosystems), from an
// OpenVEX or CycloneDX VEX document.
type VEXStatement struct {
	// Vulnerability is the ID the statement is about (CVE-2021-44228, GHSA-…).
	Vulnerability string
	// Aliases are other IDs the statement gives for the same vulnerability.
	Aliases []string
	// Product is the package URL of the component the statement is about, as the document
	// names it; empty when the product has no package URL.
	Product string
	// Ecosystem, Name and Version name the component as inventories do (read from Product
	// when there is one). Version limits the statement to that version; empty, it covers
	// every version.
	Ecosystem, Name, Version string
	// Vendor is who makes a product outside package ecosystems; empty otherwise.
	Vendor string
	// Within is the package URL or ID of the product the component ships in, when the
	// statement names one (OpenVEX subcomponents, shown for information).
	Within string
	// Status is what the statement says.
	Status VEXStatus
	// Justification says why a product is not affected, in the document's vocabulary
	// (OpenVEX "vulnerable_code_not_in_execute_path", CycloneDX "code_not_reachable").
	Justification string
	// Note is the statement's own words: the impact statement or detail.
	Note string
	// Action is what the supplier says to do (OpenVEX action_statement, CycloneDX response).
	Action string
	// Time is when the statement was made or last updated; later statements win.
	Time time.Time
	// Source is the document the statement came from (a file name, an upload's source name).
	Source string
	// Location says where in the document ("statements[3]", "vulnerabilities[0].affects[1]").
	Location string
}

// Validate says which field of a statement is missing or wrong, as a FieldError.
func (s VEXStatement) Validate() error {
	switch {
	case strings.TrimSpace(s.Vulnerability) == "":
		return OnField("vulnerability", Errorf(EINVALID, "a VEX statement needs the vulnerability it is about"))
	case s.Product == "" && s.Name == "":
		return OnField("product", Errorf(EINVALID, "a VEX statement needs the product it is about (a package URL, or a name)"))
	case !validVEXStatus(s.Status):
		return OnField("status", Errorf(EINVALID, "status %q: use not_affected, affected, fixed or under_investigation", s.Status))
	case s.Status == VEXNotAffected && s.Justification == "" && s.Note == "":
		return OnField("justification", Errorf(EINVALID, "a not_affected statement needs a justification or an impact statement saying why"))
	}
	return nil
}

func validVEXStatus(s VEXStatus) bool {
	for _, v := range VEXStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Closes reports whether the statement takes a finding off the open list: not affected
// with a reason given (suppressed), or fixed.
func (s VEXStatement) Closes() bool {
	switch s.Status {
	case VEXNotAffected:
		return s.Justification != "" || s.Note != ""
	case VEXFixed:
		return true
	}
	return false
}

// Names reports whether the statement is about the vulnerability known by any of ids
// (its ID and aliases), ignoring case: a statement on a CVE covers the GHSA finding.
func (s VEXStatement) Names(ids []string) bool {
	for _, id := range ids {
		if strings.EqualFold(id, s.Vulnerability) {
			return true
		}
		for _, a := range s.Aliases {
			if strings.EqualFold(id, a) {
				return true
			}
		}
	}
	return false
}

// VEXDocument is one VEX document kept for an organisation or a supplier: its name and
// how many of its statements were kept.
type VEXDocument struct {
	// Name is the document's name (its file name): a later upload of it replaces it.
	Name string
	// Statements counts the statements kept from it.
	Statements int
	// UploadedBy and UploadedAt say who uploaded it and when.
	UploadedBy string
	UploadedAt time.Time
}
