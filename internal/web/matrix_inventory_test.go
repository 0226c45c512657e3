package web_test

import (
	"context"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventories"
)

// inventoryMatrix: an organisation's own admins and members and the sector centre keep
// its inventories; another organisation does not find them; suppliers and sensors may not.
var inventoryMatrix = []matrixRow{
	{"POST /orgs/{ods}/inventory", "own", uploadInventory(ownOrg), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"POST /orgs/{ods}/inventory", "other", uploadInventory(otherOrg), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/inventory", "own", at("/orgs/" + ownOrg + "/inventory"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/inventory", "other", at("/orgs/" + otherOrg + "/inventory"), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/inventory/components", "own", at("/orgs/" + ownOrg + "/inventory/components"), statuses{ok, ok, ok, ok, forbid, forbid, unauth}},
	{"GET /orgs/{ods}/inventory/components", "other", at("/orgs/" + otherOrg + "/inventory/components"), statuses{ok, ok, notFound, notFound, forbid, forbid, unauth}},
	{"DELETE /orgs/{ods}/inventory/{source}", "own", onInventory(ownOrg), statuses{noBody, noBody, noBody, noBody, forbid, forbid, unauth}},
	{"DELETE /orgs/{ods}/inventory/{source}", "other", onInventory(otherOrg), statuses{noBody, noBody, notFound, notFound, forbid, forbid, unauth}},
}

const matrixInventory = "vendor,product,version\nMicrosoft,Windows 10,22H2\n"

func uploadInventory(org string) func(*fixture, string) (string, any) {
	return func(*fixture, string) (string, any) {
		return "/orgs/" + org + "/inventory?source=office&name=office.csv", matrixInventory
	}
}

// onInventory is a request about a fresh inventory of org.
func onInventory(org string) func(*fixture, string) (string, any) {
	return func(f *fixture, _ string) (string, any) {
		_, err := f.app.Inventories.Upload(context.Background(), vigil.CommandLine,
			inventories.Upload{Org: org, Source: "office", FileName: "office.csv"}, strings.NewReader(matrixInventory))
		if err != nil {
			f.t.Fatal(err)
		}
		return "/orgs/" + org + "/inventory/office", nil
	}
}
