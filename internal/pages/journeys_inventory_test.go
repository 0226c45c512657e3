package pages_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
	"github.com/vigil-health/vigil/internal/inventories"
)

// TestBrowserInventoryJourney: a care-home manager on a phone finds the software
// inventory from her organisation's page, sees the office inventory the demo holds,
// uploads the care-plan app's list (one line of it unreadable) and sees what was
// understood and what was not; a file vigil cannot read is refused at the file field;
// the analyst finds the upload from the organisation's page in the sector's list.
func TestBrowserInventoryJourney(t *testing.T) {
	s := demoSite(t)
	manager := s.openTab(t, "care home manager", phone)
	manager.signIn(careManager)
	manager.visit("/organisation")
	manager.click("opened the software inventory", `main a[href="/inventory"]`)
	manager.see("Software inventory of "+demo.CareHomeODS, "office", "csv", "Kaspersky Small Office Security")

	dir := t.TempDir()
	list := filepath.Join(dir, "care plan app.csv")
	if err := os.WriteFile(list, []byte("vendor,product,version,supplier\n"+
		"CarePlan Cloud Ltd,CarePlan Mobile,5.3.1,CarePlan Cloud Ltd\n"+
		"CarePlan Cloud Ltd,,\n"+
		"Samsung,Galaxy Tab A8 (Android),14,CarePlan Cloud Ltd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	manager.run("chose the file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{list}))
	manager.fill("#source", "care-plan-tablets")
	manager.click("uploaded the inventory", `form[action^="/inventory"][enctype] button[type="submit"]`)
	manager.see("Inventory uploaded", "Components of care-plan-tablets", "Galaxy Tab A8 (Android)", "1 part")
	manager.run("opened the parts not read", chromedp.Click(chromedp.CSS(`details summary`), chromedp.NodeVisible))
	manager.see("line 3")

	junk := filepath.Join(dir, "photo.txt")
	if err := os.WriteFile(junk, []byte("\x89PNG not an inventory"), 0o644); err != nil {
		t.Fatal(err)
	}
	manager.run("chose a file that is no inventory", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{junk}))
	manager.submit("uploaded a file that is no inventory", http.StatusUnprocessableEntity, `form[action^="/inventory"][enctype] button[type="submit"]`)
	manager.see("There is a problem", "Photo.txt: nothing in it could be read")

	centre := s.openTab(t, "analyst", desktop)
	centre.signIn(analyst)
	centre.visit("/orgs/" + demo.CareHomeODS)
	centre.click("opened its software inventory", `main a[href^="/inventory?org="]`)
	centre.see("care-plan-tablets", careManager, "office")
}

// hostileInventory uploads, as the care home's manager, a product list with hostile text
// in every column the inventory page shows.
func hostileInventory(t *testing.T, s *site) {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"vendor", "product", "version", "supplier"})
	_ = w.Write([]string{hostile("inventory-vendor"), hostile("inventory-product"), hostile("inventory-version"), hostile("inventory-supplier")})
	w.Flush()
	manager := vigil.Principal{Email: careManager, Role: vigil.RoleOrgAdmin, Org: demo.CareHomeODS}
	rep, err := s.app.Inventories.Upload(context.Background(), manager, inventories.Upload{Org: demo.CareHomeODS, Source: "hostile",
		FileName: "hostile.csv"}, strings.NewReader(b.String()))
	if err != nil || rep.Components != 1 {
		t.Fatalf("upload a hostile inventory: %+v, %v", rep, err)
	}
}
