package vigil

import "time"

// Inventory is one named list of the software an organisation runs, as uploaded: an
// SBOM, a lockfile, osquery results or a plain product list. An organisation may keep
// several (one per system or supplier), each under its own source name.
type Inventory struct {
	// Org is the ODS code of the organisation the inventory describes.
	Org string
	// Source is the name the inventory is kept under ("ehr-server", "care-plan-app"); a
	// new upload under the same name replaces it or merges into it.
	Source string
	// Format is what the uploaded file was read as ("CycloneDX", "SPDX", "CSV"…).
	Format string
	// UploadedAt is when the inventory was last uploaded.
	UploadedAt time.Time
	// UploadedBy is who uploaded it last (a user's e-mail address, or "cli").
	UploadedBy string
	// Components is how many components the inventory holds.
	Components int
	// Problems are the parts of the last upload that could not be understood; the rest
	// was kept.
	Problems []InventoryProblem
}
