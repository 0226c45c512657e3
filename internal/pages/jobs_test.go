package pages_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// TestImportJobPage follows an upload run as a job: the page refreshes itself while the
// job waits, shows the report with the problem's line once it has ended, and is shown
// to sector analysts and whoever started it, not to another sector admin.
func TestImportJobPage(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	by := vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	j, err := s.app.ThreatIntel.StartUpload(ctx, by, threatintel.Upload{Source: "job-page", Name: "big.txt"},
		strings.NewReader("192.0.2.77\nnot an indicator\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.app.ThreatIntel.WaitJobs()
	path := "/jobs/" + strconv.FormatInt(j.ID, 10)
	p := s.signIn(analyst).get(path)
	if p.status != http.StatusOK || !p.has("Upload of big.txt", "Finished", "1 indicators: 1 new", "<td class=\"nhsuk-table__cell\">2</td>", "single label") ||
		p.has(`http-equiv="refresh"`) {
		t.Errorf("the ended job's page: %d, want finished with line 2's problem and no refresh\n%s", p.status, p.body)
	}
	if p := s.signIn(sectorAdmin).get(path); p.status != http.StatusNotFound {
		t.Errorf("another sector admin: %d, want 404", p.status)
	}
	queued, err := s.store.CreateImportJob(ctx, vigil.ImportJob{Kind: vigil.JobUpload, StartedBy: sectorAdmin, Source: "job-page", File: "next.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if p := s.signIn(sectorAdmin).get("/jobs/" + strconv.FormatInt(queued.ID, 10)); !p.has("Waiting to start", `http-equiv="refresh"`) {
		t.Errorf("a queued job's page: want it waiting and refreshing itself\n%s", p.body)
	}
}
