package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A care home's incident reported on the server from a file and flags: a bad file is
// refused naming where, a report with fields to fix lists them, a good one is filed and
// listed.
func TestIncidentReportAndList(t *testing.T) {
	dir := t.TempDir()
	data := "--data-dir=" + dir
	csvPath := filepath.Join(dir, "orgs.csv")
	os.WriteFile(csvPath, []byte("ods_code,name,kind\nVN123,Meadow View Care Home,care_provider\n"), 0o600)
	if code, out, errOut := run(t, "", "org", "import", data, csvPath); code != 0 {
		t.Fatalf("org import: %d %s %s", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"summary\": \"Ransom note\",\n  \"severity\": \"high\"\n}\n"), 0o600)
	if code, _, errOut := run(t, "", "incident", "report", data, "--file", bad); code != ExitUsage || !strings.Contains(errOut, "line 3, column 3") {
		t.Errorf("a file with an unknown field: exit %d, %s", code, errOut)
	}
	good := filepath.Join(dir, "report.json")
	os.WriteFile(good, []byte(`{"org": "VN123", "summary": "Ransom note on the office PC", "what_happened": "The screen went red.",
		"care": "reduced", "personal_data": "unsure", "systems": ["rota", "care_records"]}`), 0o600)
	code, out, _ := run(t, "", "incident", "report", data, "--file", good)
	if code != ExitUsage || !strings.Contains(out, "noticed_at:") || !strings.Contains(out, "contact_name:") {
		t.Errorf("a report lacking when and whom: exit %d\n%s", code, out)
	}
	code, out, errOut := run(t, "", "incident", "report", data, "--file", good, "--noticed", "2026-01-05T08:00",
		"--contact", "Sam Patel", "--phone", "0161 496 0000", "--ransom")
	if code != 0 || !strings.Contains(out, "reported incident 1 for VN123") {
		t.Fatalf("report: exit %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, "", "incident", "list", data)
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	golden(t, "incident_list.txt", out)
}
