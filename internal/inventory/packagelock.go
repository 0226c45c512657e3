package inventory

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// npmLock is the part of package-lock.json an inventory needs: "packages" (lockfile
// versions 2 and 3) keyed by install path, or "dependencies" (version 1, and kept in 2)
// nested by name.
type npmLock struct {
	LockfileVersion int                        `json:"lockfileVersion"`
	Packages        map[string]json.RawMessage `json:"packages"`
	Dependencies    map[string]json.RawMessage `json:"dependencies"`
}

type npmPackage struct {
	Name         string                     `json:"name"`
	Version      string                     `json:"version"`
	Link         bool                       `json:"link"`
	Dependencies map[string]json.RawMessage `json:"dependencies"`
}

// parsePackageLock reads every installed package. Version 2 holds both forms; the
// "packages" one is read, as npm itself does.
func parsePackageLock(inv *Inventory, data []byte) error {
	var lock npmLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return jsonError(data, err)
	}
	if lock.Packages != nil {
		inv.npmPackages(lock.Packages)
		return nil
	}
	inv.npmDependencies(lock.Dependencies, "dependencies")
	return nil
}

// npmPackages reads v2/v3 "packages": the key is the install path
// ("node_modules/a/node_modules/@s/b"); "" is the project itself, and links point at
// a local folder that is listed under its own path too.
func (inv *Inventory) npmPackages(pkgs map[string]json.RawMessage) {
	for _, path := range slices.Sorted(maps.Keys(pkgs)) {
		if path == "" {
			continue
		}
		loc := "packages[" + path + "]"
		var p npmPackage
		if err := json.Unmarshal(pkgs[path], &p); err != nil {
			inv.addProblem(loc, "not a package entry: %v", err)
			continue
		}
		if p.Link {
			continue
		}
		name := p.Name
		if i := strings.LastIndex(path, "node_modules/"); i >= 0 {
			name = path[i+len("node_modules/"):]
		}
		if name == "" {
			inv.addProblem(loc, "no package name (a workspace folder without a name)")
			continue
		}
		inv.add(packageComponent("npm", name, p.Version, loc))
	}
}

// npmDependencies reads v1 "dependencies", nested where versions conflict.
func (inv *Inventory) npmDependencies(deps map[string]json.RawMessage, path string) {
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		loc := path + "[" + name + "]"
		var p npmPackage
		if err := json.Unmarshal(deps[name], &p); err != nil {
			inv.addProblem(loc, "not a dependency entry: %v", err)
			continue
		}
		if name == "" {
			inv.addProblem(loc, "a dependency without a name")
			continue
		}
		inv.add(packageComponent("npm", name, p.Version, loc))
		inv.npmDependencies(p.Dependencies, loc+".dependencies")
	}
}
