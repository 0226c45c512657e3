package vex

import (
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
)

// withPURL is the statement about the package a purl names: its ecosystem, name and
// version as inventories give them, so a statement meets the finding of that component.
func withPURL(s vigil.VEXStatement, purl string) (vigil.VEXStatement, error) {
	c, err := inventory.ComponentOfPURL(strings.TrimSpace(purl))
	if err != nil {
		return s, err
	}
	s.Product, s.Ecosystem, s.Name, s.Version, s.Vendor = c.PURL, c.Ecosystem, c.Name, c.Version, c.Vendor
	return s, nil
}

// isPURL says an identifier is a package URL rather than another IRI.
func isPURL(id string) bool { return strings.HasPrefix(strings.ToLower(strings.TrimSpace(id)), "pkg:") }
