package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Advisory is one OSV record, reduced to what matching and reporting need.
type Advisory struct {
	ID        string         `json:"id"`
	Modified  string         `json:"modified"`
	Withdrawn string         `json:"withdrawn,omitempty"`
	Aliases   []string       `json:"aliases,omitempty"`
	Summary   string         `json:"summary,omitempty"`
	Details   string         `json:"details,omitempty"`
	Severity  []SeverityItem `json:"severity,omitempty"`
	Affected  []Affected     `json:"affected,omitempty"`
	// DatabaseSpecific carries the GitHub rating ("CRITICAL") some records give
	// without a vector.
	DatabaseSpecific struct {
		Severity string `json:"severity,omitempty"`
	} `json:"database_specific"`
}

// SeverityItem is one entry of an OSV severity list: a CVSS vector and its type.
type SeverityItem struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one package an advisory affects, with the versions it affects.
type Affected struct {
	Package  Package        `json:"package"`
	Ranges   []Range        `json:"ranges,omitempty"`
	Versions []string       `json:"versions,omitempty"`
	Severity []SeverityItem `json:"severity,omitempty"`
}

// Package names a package in an OSV ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range is an OSV range: a type (ECOSYSTEM, SEMVER or GIT) and its events.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one point of a range; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// ParseOSV decodes one OSV JSON record and checks the fields matching relies on.
func ParseOSV(data []byte) (Advisory, error) {
	var a Advisory
	if err := json.Unmarshal(data, &a); err != nil {
		return Advisory{}, fmt.Errorf("not an OSV record: %w", err)
	}
	if a.ID == "" {
		return Advisory{}, errors.New("no id")
	}
	for i, af := range a.Affected {
		if err := checkAffected(af); err != nil {
			return Advisory{}, fmt.Errorf("affected[%d]: %w", i, err)
		}
	}
	return a, nil
}

// checkAffected rejects what would make matching guess: a package without ecosystem or
// name, or an event that sets no field or more than one.
func checkAffected(af Affected) error {
	if af.Package.Ecosystem == "" || af.Package.Name == "" {
		if len(af.Ranges) > 0 && af.Package.Ecosystem == "" && af.Package.Name == "" {
			return nil // a GIT-only entry for a repository, no package: nothing to match
		}
		return errors.New("package needs an ecosystem and a name")
	}
	for j, r := range af.Ranges {
		for k, e := range r.Events {
			if n := e.fieldsSet(); n != 1 {
				return fmt.Errorf("ranges[%d].events[%d]: %d fields set, want exactly one", j, k, n)
			}
		}
	}
	return nil
}

func (e Event) fieldsSet() int {
	n := 0
	for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
		if s != "" {
			n++
		}
	}
	return n
}
