package api

import (
	"net/http"
	"time"

	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/vex"
	"github.com/vigil-health/vigil/internal/vuln"
)

// SectorAdvisory is an analyst's advisory about a product outside package ecosystems, as
// the API shows it: the fields it was written with, and its history.
type SectorAdvisory struct {
	vuln.SectorAdvisoryJSON
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty" doc:"When it was withdrawn; withdrawn advisories match nothing."`
	OrgsChecked *int       `json:"orgs_checked,omitempty" doc:"After a write: how many organisations were checked again (those whose inventories name the vendor, and those it was found at)."`
	OrgsFound   *int       `json:"orgs_found,omitempty" doc:"After a write: how many organisations it is found at now, each with an alert about it."`
}

func sectorAdvisoryOut(a exposure.SectorAdvisory) SectorAdvisory {
	return SectorAdvisory{SectorAdvisoryJSON: vuln.SectorAdvisoryToJSON(a.SectorAdvisory), CreatedBy: a.CreatedBy,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, WithdrawnAt: timePtr(a.WithdrawnAt)}
}

func sectorOutcomeOut(o exposure.SectorOutcome) SectorAdvisory {
	out := sectorAdvisoryOut(o.Advisory)
	out.OrgsChecked, out.OrgsFound = &o.OrgsChecked, &o.OrgsFound
	return out
}

type sectorAdvisoryResult struct {
	Body SectorAdvisory
}

type sectorAdvisoryIDIn struct {
	ID string `path:"id" minLength:"1" maxLength:"100" doc:"The advisory's ID, such as SECTOR-2026-0007."`
}

// sectorRoutes registers the sector advisories the analysts write and the VEX statements
// organisations and suppliers upload.
func (a *API) sectorRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
		e422 = http.StatusUnprocessableEntity
	)
	create := op("create-sector-advisory", http.MethodPost, "/sector-advisories", "Write a sector advisory", "vulnerabilities", e409, e422)
	create.DefaultStatus = http.StatusCreated
	create.Description = "An advisory about a product outside package ecosystems (a VPN appliance, an anti-virus, a care-plan app), " +
		"matched by vendor, product and version against every organisation's inventory. The organisations whose inventories " +
		"name the vendor are checked again at once; a field that is wrong is a 422 naming it."
	Register(a, create, sector, a.sectorAdvisoryCreate)
	list := op("list-sector-advisories", http.MethodGet, "/sector-advisories", "List sector advisories", "vulnerabilities")
	list.Description = "The analysts see every advisory; an organisation's people those found in its inventories."
	Register(a, list, people, a.sectorAdvisoryList)
	Register(a, op("get-sector-advisory", http.MethodGet, "/sector-advisories/{id}", "Get a sector advisory", "vulnerabilities", e404), people, a.sectorAdvisoryGet)
	Register(a, op("update-sector-advisory", http.MethodPut, "/sector-advisories/{id}", "Change a sector advisory", "vulnerabilities", e404, e422), sector, a.sectorAdvisoryUpdate)
	withdraw := op("withdraw-sector-advisory", http.MethodDelete, "/sector-advisories/{id}", "Withdraw a sector advisory", "vulnerabilities", e404)
	withdraw.Description = "It is kept (listed with ?withdrawn=true) and matches nothing; its alerts are resolved at the next check, which runs at once."
	Register(a, withdraw, sector, a.sectorAdvisoryWithdraw)

	upload := op("upload-vex", http.MethodPost, "/orgs/{ods}/vex", "Upload VEX statements", "vulnerabilities", e404, e422)
	upload.Description = "An OpenVEX or CycloneDX VEX document. An organisation's people (or the analysts for it) upload statements " +
		"about its findings; a supplier uploads to its own organisation statements that apply, at its customers, to the components " +
		"their inventories attribute to it. not_affected with a justification suppresses a finding and fixed closes it. Statements " +
		"that cannot be used are listed with their lines; the rest are kept. A second upload of the same name replaces the first."
	upload.MaxBodyBytes = vex.MaxDocument // what the VEX page takes: a supplier's document runs to megabytes
	Register(a, upload, people, a.vexUpload)
	Register(a, op("export-vex", http.MethodGet, "/orgs/{ods}/vex", "Export VEX statements", "vulnerabilities", e404, e422), people, a.vexExport)
	Register(a, op("list-vex-suppressed", http.MethodGet, "/orgs/{ods}/vex/suppressed", "Findings VEX statements closed", "vulnerabilities", e404), people, a.vexSuppressed)
}
