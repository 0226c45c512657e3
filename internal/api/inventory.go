package api

import (
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/vigil-health/vigil"
)

// inventoryKeepers may upload, read and delete an organisation's inventories: its own
// admins and members (the use case keeps them to it) and the sector centre.
var inventoryKeepers = alertWorkers

// inventoryRoutes registers the inventory operations.
func (a *API) inventoryRoutes() {
	e404 := http.StatusNotFound
	max := a.app.Inventories.MaxBytes()
	up := op("upload-inventory", http.MethodPost, "/orgs/{ods}/inventory", "Upload a software inventory", "inventory", e404)
	up.Description = "Reads the request body as an inventory — CycloneDX or SPDX 2 JSON, a list of purls, osquery results, " +
		"go.mod, requirements.txt, package-lock.json, pom.xml, uv.lock or a vendor,product,version[,supplier] CSV, told by its " +
		"content (the name parameter is a hint for requirements files and CSVs) — and keeps it under the source name, replacing " +
		"what the source held (mode=replace) or adding to it (mode=merge). Parts that cannot be read are listed as problems and " +
		"the rest is kept; a file nothing can be read from is refused with 422 naming the reason."
	up.MaxBodyBytes = max + 1
	up.RequestBody = &huma.RequestBody{Required: true, Description: "The inventory file.",
		Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	Register(a, up, inventoryKeepers, a.inventoryUpload)
	Register(a, op("list-inventories", http.MethodGet, "/orgs/{ods}/inventory", "List an organisation's inventories", "inventory", e404),
		inventoryKeepers, a.inventoryList)
	Register(a, op("list-inventory-components", http.MethodGet, "/orgs/{ods}/inventory/components",
		"List the components of an organisation's inventories", "inventory", e404), inventoryKeepers, a.inventoryComponents)
	Register(a, op("delete-inventory", http.MethodDelete, "/orgs/{ods}/inventory/{source}", "Delete an inventory", "inventory", e404),
		inventoryKeepers, a.inventoryDelete)
}

// Inventory is one inventory an organisation keeps.
type Inventory struct {
	// Org is the organisation's ODS code.
	Org string `json:"org"`
	// Source is the name the inventory is kept under.
	Source string `json:"source"`
	// Format is what the file was read as.
	Format string `json:"format"`
	// UploadedAt and UploadedBy say when and by whom it was last uploaded.
	UploadedAt time.Time `json:"uploaded_at"`
	UploadedBy string    `json:"uploaded_by"`
	// Components is how many components it holds.
	Components int `json:"components"`
	// Problems are the parts of the last upload that could not be read.
	Problems []InventoryProblem `json:"problems" nullable:"false"`
}

// InventoryProblem is a part of an inventory file that could not be read.
type InventoryProblem struct {
	// Source is the file the problem is in.
	Source string `json:"source"`
	// Location says where in it ("line 12", "components[4]").
	Location string `json:"location"`
	// Reason says what is wrong.
	Reason string `json:"reason"`
}

// Component is one piece of software in an inventory.
type Component struct {
	Source        string `json:"source" doc:"The inventory it is in."`
	Ecosystem     string `json:"ecosystem" doc:"The OSV ecosystem; empty for a product outside package ecosystems."`
	Name          string `json:"name" doc:"The package name as the ecosystem writes it; for a product, the product."`
	Version       string `json:"version" doc:"The version as the inventory gives it."`
	SourcePackage string `json:"source_package,omitempty" doc:"The distribution's source package."`
	PURL          string `json:"purl,omitempty" doc:"The package URL."`
	Vendor        string `json:"vendor,omitempty" doc:"Who makes the product."`
	Product       string `json:"product,omitempty" doc:"The product."`
	Supplier      string `json:"supplier,omitempty" doc:"The supplier the organisation gets it from."`
	Location      string `json:"location,omitempty" doc:"Where in the inventory file."`
}

func inventoryOut(inv vigil.Inventory) Inventory {
	return Inventory{Org: inv.Org, Source: inv.Source, Format: inv.Format, UploadedAt: inv.UploadedAt,
		UploadedBy: inv.UploadedBy, Components: inv.Components, Problems: problemsOut(inv.Problems)}
}

func problemsOut(ps []vigil.InventoryProblem) []InventoryProblem {
	out := make([]InventoryProblem, len(ps))
	for i, p := range ps {
		out[i] = InventoryProblem{Source: p.Source, Location: p.Location, Reason: p.Reason}
	}
	return out
}

func componentOut(c vigil.Component) Component {
	return Component{Source: c.Source, Ecosystem: c.Ecosystem, Name: c.Name, Version: c.Version, SourcePackage: c.SourcePackage,
		PURL: c.PURL, Vendor: c.Vendor, Product: c.Product, Supplier: c.Supplier, Location: c.Location}
}

type inventoryOrgIn struct {
	ODS string `path:"ods" maxLength:"20" doc:"The organisation's ODS code."`
}
