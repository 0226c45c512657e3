package api

import (
	"net/http"

	"github.com/vigil-health/vigil"
)

// exposureRoutes registers the vulnerability exposure operations: the advisory sources
// the sector centre curates, and the exposure board.
func (a *API) exposureRoutes() {
	const (
		e404 = http.StatusNotFound
		e409 = http.StatusConflict
	)
	create := op("create-advisory-source", http.MethodPost, "/advisory-sources", "Register an advisory source", "vulnerabilities", e409)
	create.DefaultStatus = http.StatusCreated
	create.Description = "An OSV zip (such as an ecosystem's all.zip) or record, CISA's KEV catalogue or FIRST's EPSS " +
		"scores, downloaded from a URL or read from a file inside the server's advisory_dir; pulled on its schedule."
	Register(a, create, sector, a.advisorySourceCreate)
	Register(a, op("list-advisory-sources", http.MethodGet, "/advisory-sources", "List advisory sources", "vulnerabilities"), sector, a.advisorySourceList)
	Register(a, op("get-advisory-source", http.MethodGet, "/advisory-sources/{id}", "Get an advisory source", "vulnerabilities", e404), sector, a.advisorySourceGet)
	update := op("update-advisory-source", http.MethodPatch, "/advisory-sources/{id}", "Change an advisory source", "vulnerabilities", e404, e409)
	update.Description = "Rename it, move it to another url or path (give one and an empty other), change its schedule, " +
		"or pause it; its kind does not change. The rules of registering one apply. A moved source is pulled whole next time."
	Register(a, update, sector, a.advisorySourceUpdate)
	pull := op("pull-advisory-source", http.MethodPost, "/advisory-sources/{id}/pull", "Pull an advisory source now", "vulnerabilities", e404, e409)
	pull.Description = "A pull that fails is still a 200: the source shows status error and why, and keeps its data. " +
		"A source being pulled already, scheduled or asked for, on this server or another, is a 409; " +
		"a pull cut short by the server stopping is a 503 and leaves the source as it was. " +
		"counts says what changed and how many organisations were checked again."
	Register(a, pull, sector, a.advisorySourcePull)
	Register(a, op("delete-advisory-source", http.MethodDelete, "/advisory-sources/{id}", "Remove an advisory source and its data", "vulnerabilities", e404), sector, a.advisorySourceDelete)

	Register(a, op("list-vulnerabilities", http.MethodGet, "/vulnerabilities", "The exposure board: vulnerabilities found", "vulnerabilities"), alertWorkers, a.vulnerabilityList)
	Register(a, op("get-vulnerability", http.MethodGet, "/vulnerabilities/{id}", "Who a vulnerability affects", "vulnerabilities", e404), alertWorkers, a.vulnerabilityGet)
	attest := op("attest-vulnerability-fix", http.MethodPost, "/vulnerabilities/{id}/attestation", "Attest a fix, as the supplier", "vulnerabilities", e404)
	attest.Description = "The supplier says it fixed the vulnerability from fixed_version on: each customer's finding in " +
		"components attributed to it closes when the customer's inventory shows that version or a later one."
	Register(a, attest, suppliers, a.vulnerabilityAttest)
	apply := op("apply-attestation", http.MethodPost, "/vulnerabilities/{id}/attestations/{supplier}/apply", "Close the customers' findings a supplier's attestation covers, now", "vulnerabilities", e404)
	apply.Description = "An analyst's decision: every customer's finding in the supplier's components closes at once, " +
		"whatever version its inventory shows, with a note naming the attestation and the analyst."
	Register(a, apply, sector, a.attestationApply)
	Register(a, op("list-attestations", http.MethodGet, "/vulnerabilities/{id}/attestations", "Suppliers' attestations of a vulnerability, with their customers", "vulnerabilities"), sector, a.attestationList)
	Register(a, op("list-supplied-vulnerabilities", http.MethodGet, "/supplied-vulnerabilities", "Vulnerabilities in what you supply, as the supplier", "vulnerabilities"), suppliers, a.suppliedVulnerabilityList)
}

// suppliers is the access rule of what only a supplier does.
var suppliers = Access{Roles: []vigil.Role{vigil.RoleSupplier}}
