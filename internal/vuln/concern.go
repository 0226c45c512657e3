package vuln

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// productsOfConcern is the built-in policy: vendors and products national guidance asks
// organisations to review, written as sector advisories. Versioned inside the file.
//
//go:embed policy/products-of-concern.json
var productsOfConcern []byte

// Policy is a built-in list of sector advisories vigil reports without being given them.
type Policy struct {
	// Name says which policy ("products-of-concern").
	Name string
	// Version is the policy file's version (a date); reports name it so a reader knows
	// which guidance was applied.
	Version string
	// Advisories are the policy's entries as sector advisories, Kind "policy".
	Advisories []vigil.SectorAdvisory
}

// ProductsOfConcern returns the built-in products-of-concern policy: products from
// vendors (Kaspersky) that national guidance asks organisations to review, whatever their
// version, each a sector advisory whose summary and steps say to review the risk.
func ProductsOfConcern() Policy {
	p, err := parsePolicy(productsOfConcern)
	if err != nil {
		panic(fmt.Sprintf("built-in policy: %v", err)) // a test reads it; it cannot fail at run time
	}
	return p
}

func parsePolicy(data []byte) (Policy, error) {
	var head struct {
		Policy  string `json:"policy"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Policy{}, err
	}
	advs, err := ParseSectorAdvisories(bytes.NewReader(data))
	if err != nil {
		return Policy{}, err
	}
	for i := range advs {
		advs[i].Kind = "policy"
	}
	return Policy{Name: head.Policy, Version: head.Version, Advisories: advs}, nil
}
