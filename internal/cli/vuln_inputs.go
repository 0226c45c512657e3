package cli

import (
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
)

// ReadInputs reads inventory files into components; problems are parts of a file that
// could not be understood (the rest is kept); err is a file that cannot be read or
// understood at all.
type ReadInputs func(paths []string) ([]vigil.Component, []vigil.InventoryProblem, error)

// defaultReadInputs reads every format the inventory package knows (CycloneDX, SPDX,
// purl lists, osquery results, lockfiles, product CSVs), walking directories.
func defaultReadInputs() ReadInputs { return readInventories }

func readInventories(paths []string) ([]vigil.Component, []vigil.InventoryProblem, error) {
	var comps []vigil.Component
	var problems []vigil.InventoryProblem
	for _, p := range paths {
		invs, err := inventory.ReadPath(p)
		if err != nil {
			return nil, nil, err
		}
		for _, inv := range invs {
			comps, problems = append(comps, inv.Components...), append(problems, inv.Problems...)
		}
	}
	return comps, problems, nil
}
