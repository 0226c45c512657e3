package pages_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
)

// TestBrowserVEXJourney: the trust's IT lead, on a phone, goes from the software
// inventory to the VEX page, uploads an OpenVEX file saying its log4j-core 2.14.1 is not
// affected by Log4Shell (one statement of it unusable, named by its line), sees the
// finding closed, and finds the Log4Shell alert resolved with the statement's note; a
// broken file is refused naming its line and the statement stays. The analyst's
// exposure board counts the trust as not affected and says why on the vulnerability's
// page, next to the care home still affected.
func TestBrowserVEXJourney(t *testing.T) {
	s := exposedSite(t)
	lead := s.openTab(t, "trust IT lead", phone)
	lead.signIn(trustAdmin)
	lead.visit("/inventory")
	lead.click("opened the VEX page", `main a[href^="/vex"]`)
	lead.see("VEX statements of "+demo.TrustODS, "holds no VEX statements")

	dir := t.TempDir()
	file := filepath.Join(dir, "northbrook.openvex.json")
	if err := os.WriteFile(file, []byte(trustVEX), 0o644); err != nil {
		t.Fatal(err)
	}
	lead.run("chose the VEX file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{file}))
	lead.submit("uploaded the VEX file", http.StatusOK, `form[action^="/vex"][enctype] button[type="submit"]`)
	lead.see("1 statement kept, 1 statement left out", "Line 10", "northbrook.openvex.json",
		"not affected (VEX: vulnerable_code_not_in_execute_path)", "JndiLookup.class removed from the jar")

	al := trustAlert(t, s)
	if al.Status != vigil.AlertResolved {
		t.Fatalf("the trust's Log4Shell alert is %s after the upload", al.Status)
	}
	lead.visit(fmt.Sprintf("/alerts/%d", al.ID))
	lead.see("Closed by a VEX statement", "the vulnerable code is never run", "northbrook.openvex.json")
	lead.visit("/exposure/CVE-2021-44228")
	lead.see("not affected (VEX: vulnerable_code_not_in_execute_path)", "closed by VEX")

	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte("{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lead.visit("/vex")
	lead.run("chose a broken file", chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{broken}))
	lead.submit("uploaded a broken file", http.StatusBadRequest, `form[action^="/vex"][enctype] button[type="submit"]`)
	lead.see("There is a problem", "Line 4: the JSON ends too soon", "northbrook.openvex.json", "JndiLookup.class removed from the jar")

	centre := s.openTab(t, "analyst", desktop)
	centre.signIn(analyst)
	centre.visit("/exposure")
	centre.see("Not affected (VEX)")
	centre.click("opened Log4Shell", `main a[href="/exposure/CVE-2021-44228"]`)
	centre.see(demo.TrustODS, "not affected (VEX: vulnerable_code_not_in_execute_path)", demo.CareHomeODS,
		"upgrade org.apache.logging.log4j:log4j-core 2.14.1 to 2.15.0 or later")
}
