package vuln

import vigil "github.com/vigil-health/vigil"

// Finding is one vulnerability affecting one component: the advisory records that are
// aliases of each other are merged into it.
type Finding struct {
	// Input is the inventory the component came from (its file name).
	Input string `json:"input"`
	// Ecosystem, Name and Version are the component as the inventory names it.
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	// Vendor is who makes a product outside package ecosystems (sector advisories).
	Vendor string `json:"vendor,omitempty"`
	// Location says where in the input the component is ("line 12").
	Location string `json:"location,omitempty"`
	// ID is the advisory that matched (the first in order when several aliases did).
	ID string `json:"id"`
	// Aliases are the other IDs of the same vulnerability (CVE, GHSA, GO, PYSEC…).
	Aliases []string `json:"aliases"`
	// Summary is the advisory's one-line summary.
	Summary string `json:"summary,omitempty"`
	// Fixed lists the versions that fix it for this component, lowest first; empty
	// when no fix is published.
	Fixed []string `json:"fixed"`
	// KEV says CISA lists the vulnerability as known exploited.
	KEV bool `json:"kev"`
	// KEVDueDate is CISA's remediation due date, when KEV.
	KEVDueDate string `json:"kev_due_date,omitempty"`
	// EPSS is FIRST's estimate that it will be exploited in the next 30 days.
	EPSS *EPSS `json:"epss,omitempty"`
	// Severity is the highest CVSS base score among the merged records.
	Severity Severity `json:"severity"`
	// Kind says where the advisory came from: empty for OSV, "sector" for an analyst's
	// sector advisory, "policy" for a built-in policy such as the products of concern.
	Kind string `json:"kind,omitempty"`
	// Steps are what to do, in order, when a sector advisory gives them.
	Steps []string `json:"steps,omitempty"`
}

// Unmatched is a component that could not be checked, and why; it is never dropped
// silently.
type Unmatched struct {
	Component vigil.Component
	// Reason says why, in words an inventory owner can act on.
	Reason string
}

// Result is what matching an inventory gives.
type Result struct {
	// Findings are sorted by input, name, version and ID.
	Findings []Finding
	// Checked counts components checked against the advisories.
	Checked int
	// Unmatched lists the components that could not be checked.
	Unmatched []Unmatched
}

// IDs returns the finding's ID and aliases, the names the vulnerability goes by.
func (f Finding) IDs() []string { return append([]string{f.ID}, f.Aliases...) }
