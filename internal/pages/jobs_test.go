package pages_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
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
	if p.status != http.StatusOK || !p.has("Upload of big.txt", "Finished", "1 indicator: 1 new", "<td class=\"nhsuk-table__cell\">2</td>", "single label") ||
		p.has(`http-equiv="refresh"`) {
		t.Errorf("the ended job's page: %d, want finished with line 2's problem and no refresh\n%s", p.status, p.body)
	}
	if p := s.signIn(analyst).get("/feeds"); !p.has(`1<span class="nhsuk-u-visually-hidden"> indicator of job-page</span>`) {
		t.Errorf("the feeds list: want one indicator of job-page, in the singular\n%s", p.body)
	}
	if p := s.signIn(analyst).get("/"); !p.has("job-page<br><span class=\"nhsuk-body-s\">1 indicator</span>") {
		t.Errorf("the sector overview: want one indicator of job-page, in the singular\n%s", p.body)
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

// TestImportJobPageTarball shows where a tarball's problems are: the member file of each,
// a count per reason with its first example, and figures with thousands separators.
func TestImportJobPageTarball(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	by := vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	var files bytes.Buffer
	for i := range 1234 {
		fmt.Fprintf(&files, "payload%d.exe\n", i)
	}
	tarball := jobTar(t, "static/malicious/404_tds.txt", "evil-tds.example.com\nlocalhost\n",
		"static/malware/files.txt", files.String())
	j, err := s.app.ThreatIntel.StartUpload(ctx, by, threatintel.Upload{Source: "job-tar", Name: "trails.tar"}, bytes.NewReader(tarball))
	if err != nil {
		t.Fatal(err)
	}
	s.app.ThreatIntel.WaitJobs()
	p := s.signIn(analyst).get("/jobs/" + strconv.FormatInt(j.ID, 10))
	if !p.has("1,235 rejected", "What was left out, and why", "1,235 rejected values</strong> left out: they are not valid indicators",
		`1,234: …: .… is not a top-level domain (a file name?), for example <code class="vigil-break">payload0.exe</code> (trails.tar!static/malware/files.txt, line 1)`,
		"1: … is a single label, not a domain name", "(trails.tar!static/malicious/404_tds.txt, line 2)",
		`<td class="nhsuk-table__cell vigil-break">trails.tar!static/malicious/404_tds.txt</td>`) {
		t.Errorf("the tarball job's page: want its problems by reason and member file, with separators\n%s", p.body)
	}
}

// jobTar builds a tar archive of name, body pairs.
func jobTar(t *testing.T, members ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := 0; i < len(members); i += 2 {
		if err := tw.WriteHeader(&tar.Header{Name: members[i], Mode: 0o644, Size: int64(len(members[i+1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(members[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBrowserJobAndTokensPages checks the pages the walkthrough changed the way every
// journey's page is checked (axe-core, a phone's width): a tarball job's problems by
// reason, and the trust IT lead's tokens with the sensors'.
func TestBrowserJobAndTokensPages(t *testing.T) {
	s := demoSite(t)
	by := vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	j, err := s.app.ThreatIntel.StartUpload(context.Background(), by, threatintel.Upload{Source: "job-tar", Name: "trails.tar"},
		bytes.NewReader(jobTar(t, "static/malicious/404_tds.txt", "evil-tds.example.com\nlocalhost\nmalware.exe\n/path/only\n")))
	if err != nil {
		t.Fatal(err)
	}
	s.app.ThreatIntel.WaitJobs()
	centre := s.openTab(t, "analyst", phone)
	centre.signIn(analyst)
	centre.visit("/jobs/" + strconv.FormatInt(j.ID, 10))
	centre.see("What was left out, and why", "trails.tar!static/malicious/404_tds.txt")

	lead := s.openTab(t, "trust IT lead", phone)
	lead.signIn(trustAdmin)
	lead.visit("/account")
	lead.see("Your tokens and your organisation's sensor tokens", "demo Zeek sensor, main site", "Who will use it?")
}
