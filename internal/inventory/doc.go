// Package inventory reads what software an organisation runs: SBOMs (CycloneDX, SPDX),
// lists of package URLs, osquery results, lockfiles (go.mod, requirements.txt,
// package-lock.json, pom.xml, uv.lock) and a plain product CSV, into vigil.Components
// placed in OSV ecosystems with OSV's spelling of their names. It is an engine: pure
// functions over bytes, no store, safe for concurrent use (it keeps no state).
//
// A part of an inventory it cannot understand becomes a vigil.InventoryProblem naming
// where it is; the rest is kept. Only input that cannot be understood at all is an error.
package inventory
