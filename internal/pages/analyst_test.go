package pages_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
)

// The demo's people as the use cases know them, for a test that computes what a page
// should show through the same use case, or acts as someone outside the pages.
var (
	analystP    = vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	trustAdminP = vigil.Principal{Email: trustAdmin, Role: vigil.RoleOrgAdmin, Org: "R9A"}
)

// TestSectorOverview checks the analysts' board shows the demo sector's figures, as the
// use cases compute them: alerts not resolved by severity, the day's alerts in the
// charts' tables, the feeds, the most sighted indicators and the events to assign.
func TestSectorOverview(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	o, err := s.app.Alerts.Overview(ctx, analystP, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := s.signIn(analyst).get("/")
	if p.status != http.StatusOK || !p.has("<title>Sector overview – vigil</title>", "<h1>Sector overview</h1>") {
		t.Fatalf("analyst's home: %d\n%s", p.status, p.body)
	}
	open := 0
	for _, sev := range alerts.OverviewSeverities {
		want := fmt.Sprintf(`href="/alerts?status=open&amp;severity=%s">%d<`, sev, o.Open[sev])
		if !p.has(want) {
			t.Errorf("no %s open count: want %s", sev, want)
		}
		open += o.Open[sev]
	}
	if open == 0 || !p.has(fmt.Sprintf(`href="/alerts?status=open">%d<`, open)) {
		t.Errorf("want %d open alerts in all", open)
	}
	today := o.Days[len(o.Days)-1]
	if today.Total == 0 {
		t.Fatal("the demo raised no alert today")
	}
	sevRow := fmt.Sprintf(`%s</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">%d</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">%d</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">%d</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">%d</td>
          <td class="nhsuk-table__cell nhsuk-table__cell--numeric">%d</td>`, today.Day.Format("2 Jan"), today.BySeverity[vigil.SeverityLow],
		today.BySeverity[vigil.SeverityMedium], today.BySeverity[vigil.SeverityHigh], today.BySeverity[vigil.SeverityCritical], today.Total)
	if !p.has(sevRow) {
		t.Errorf("the severity chart's table lacks today's row:\n%s", sevRow)
	}
	if n := strings.Count(p.body, `role="img"`); n != 2 || !p.has("<title id=\"by-severity-title\">Alerts raised per day over the last 30 days, by severity</title>",
		fmt.Sprintf("%d alerts raised in all.", today.Total)) {
		t.Errorf("want two charts with titles and totals; %d images", n)
	}
	feeds, err := s.app.ThreatIntel.ListFeeds(ctx, analystP, "")
	if err != nil || len(feeds) == 0 {
		t.Fatalf("demo feeds %v, %v", feeds, err)
	}
	for _, f := range feeds {
		if !p.has(f.Name) {
			t.Errorf("feed %q is not on the board", f.Name)
		}
	}
	top, err := s.app.Sightings.TopIndicators(ctx, analystP, 7, 10)
	if err != nil || len(top) == 0 {
		t.Fatalf("top indicators %v, %v", top, err)
	}
	if !p.has(">"+top[0].Indicator+"</a>", "Most sighted indicators in the last 7 days") {
		t.Errorf("the most sighted indicator %s is not on the board", top[0].Indicator)
	}
	waiting, err := s.app.EarlyWarning.UnroutedWaiting(ctx, analystP)
	if err != nil || waiting == 0 {
		t.Fatalf("unrouted events waiting: %d, %v", waiting, err)
	}
	if !p.has(fmt.Sprintf("%d event is about addresses no organisation has registered", waiting), `href="/events/unrouted"`) {
		t.Errorf("want %d unrouted event(s) with a link to assign them", waiting)
	}
	if !p.has(`id="deadlines-heading"`, "Time to acknowledge and overdue alerts") {
		t.Errorf("the place for deadlines is missing")
	}
	if !p.has(fmt.Sprintf(`href="/alerts/%d"`, o.Oldest[0].ID)) {
		t.Errorf("the longest-waiting alert %d is not linked", o.Oldest[0].ID)
	}
	if got := s.signIn(sectorAdmin).get("/"); !got.has("<h1>Sector overview</h1>") {
		t.Errorf("a sector admin's home is not the overview")
	}
}

// TestAnalystApprovesPendingAsset walks a claim from the trust's administrator to the
// analyst: it waits and routes nothing; rejecting needs a note; once approved, an event
// about the address reaches the trust.
func TestAnalystApprovesPendingAsset(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	claim := vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetIPRange, Value: "198.51.100.200/30"}}}
	if _, err := s.app.Orgs.Update(ctx, trustAdminP, "R9A", claim); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	p := b.get("/orgs/assets/pending")
	m := cardOf(p.body, "claim", "198.51.100.200/30")
	if p.status != http.StatusOK || m == nil || !p.has("198.51.100.200/30", `href="/orgs/R9A"`, "by "+trustAdmin, "No other organisation claims it.") {
		t.Fatalf("pending claims: %d, want the trust's claim\n%s", p.status, p.body)
	}
	id := m[1]
	if r := b.post("/orgs/assets/"+id+"/reject", url.Values{"note": {" "}}); r.status != http.StatusUnprocessableEntity ||
		!r.has("There is a problem", `href="#note-`+id+`"`, "Say why you are rejecting the claim") {
		t.Errorf("reject without a note: %d, want 422 asking why\n%s", r.status, r.body)
	}
	if r := b.get("/orgs/R9A"); !r.has("198.51.100.200/30", "Waiting for approval") {
		t.Errorf("the trust's page does not show the claim waiting")
	}
	event := `{"type":"compromise","observable":"198.51.100.201","time":"` + time.Now().UTC().Add(-time.Hour).Format(time.RFC3339) +
		`","source":"Demo Sinkhole Project","severity":"high"}` + "\n"
	if res, err := s.app.EarlyWarning.IngestEvents(ctx, analystP, strings.NewReader(event)); err != nil || res.Unrouted != 1 {
		t.Fatalf("an event before approval: %+v, %v; want it unrouted", res, err)
	}
	r := b.post("/orgs/assets/"+id+"/approve", url.Values{"note": {"The trust's network team confirmed the range."}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/orgs/assets/pending?done=asset-approved" {
		t.Fatalf("approve: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if r := b.get("/orgs/assets/pending?done=asset-approved"); !r.has("Claim approved") || r.has("198.51.100.200/30") {
		t.Errorf("after approving: want the banner and no claim left\n%s", r.body)
	}
	if r := b.get("/orgs/R9A"); !strings.Contains(rowOf(r.body, "198.51.100.200/30"), "Active") {
		t.Errorf("the trust's page does not show the range active")
	}
	if res, err := s.app.EarlyWarning.IngestEvents(ctx, analystP, strings.NewReader(strings.Replace(event, "compromise", "botnet", 1))); err != nil || res.Routed != 1 {
		t.Fatalf("an event after approval: %+v, %v; want it routed", res, err)
	}
	if r := s.signIn(trustAdmin).get("/alerts"); !r.has("198.51.100.201") {
		t.Errorf("the trust's alerts lack the event about its newly approved range\n%s", r.body)
	}
}

// TestAnalystRejectsClaim checks that a rejected claim is gone from the list and shown
// on the organisation's page as rejected, with the analyst's note.
func TestAnalystRejectsClaim(t *testing.T) {
	s := demoSite(t)
	if _, err := s.app.Orgs.Update(context.Background(), trustAdminP, "R9A", vigil.OrgPatch{AddAssets: []vigil.Asset{
		{Kind: vigil.AssetDomain, Value: "careplancloud.example"}}}); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	p := b.get("/orgs/assets/pending")
	m := cardOf(p.body, "claim", "YSP01 and R9A both claim careplancloud.example")
	if m == nil || !p.has("Overlaps", "YSP01 and R9A both claim careplancloud.example") {
		t.Fatalf("want the claim with its overlap with the supplier's domain\n%s", p.body)
	}
	note := "This is the supplier's domain, not the trust's."
	if r := b.post("/orgs/assets/"+m[1]+"/reject", url.Values{"note": {note}}); r.status != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", r.status, r.body)
	}
	if r := b.get("/orgs/R9A"); !r.has("Rejected claims", "careplancloud.example", "by "+analyst, "This is the supplier&#39;s domain") {
		t.Errorf("the trust's page does not show the rejection\n%s", r.body)
	}
	if r := b.post("/orgs/assets/"+m[1]+"/approve", nil); r.status != http.StatusNotFound {
		t.Errorf("approving a rejected claim: %d, want 404", r.status)
	}
}

// TestAnalystPagesAreTheCentres checks that an organisation's people and a supplier
// cannot open the centre's pages nor act through them.
func TestAnalystPagesAreTheCentres(t *testing.T) {
	s := demoSite(t)
	before, err := s.app.Orgs.Get(context.Background(), analystP, "R9A")
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{trustAdmin, wardManager, careManager, supplier} {
		b := s.signIn(who)
		for _, path := range []string{"/orgs", "/orgs/R9A", "/orgs/YSP01", "/orgs/assets/pending", "/orgs/overlaps", "/events/unrouted",
			"/orgs?format=csv", "/events/unrouted?format=csv"} {
			if p := b.get(path); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
				t.Errorf("%s: GET %s = %d, want 403 or 404", who, path, p.status)
			}
		}
		for path, form := range map[string]url.Values{
			"/orgs/assets/1/approve":    {"note": {"fine"}},
			"/orgs/assets/1/reject":     {"note": {"no"}},
			"/orgs/overlaps/1/accept":   {"note": {"fine"}},
			"/events/unrouted/1/assign": {"org": {"R9A"}},
			"/orgs/R9A/assets":          {"kind": {"domain"}, "value": {"mine.example"}},
			"/orgs/R9A/assets/remove":   {"asset": {"domain:northbrook-hospitals.example"}},
		} {
			if p := b.post(path, form); p.status != http.StatusForbidden {
				t.Errorf("%s: POST %s = %d, want 403", who, path, p.status)
			}
		}
		if p := b.get("/"); p.has("Sector overview") {
			t.Errorf("%s's home is the sector overview", who)
		}
	}
	if o, err := s.app.Orgs.Get(context.Background(), analystP, "R9A"); err != nil || len(o.Pending) != len(before.Pending) || len(o.Domains) != 1 {
		t.Errorf("R9A after the refused changes: %+v, %v", o, err)
	}
}

// TestAssignUnroutedEvent walks an analyst through the demo's event nobody owned: the
// organisation is required and must exist, and assigning it raises the alert.
func TestAssignUnroutedEvent(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	p := b.get("/events/unrouted")
	m := regexp.MustCompile(`id="event-(\d+)"`).FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || !p.has("198.51.100.250", "Demo Internet Scanner", "TLP:GREEN") {
		t.Fatalf("unrouted events: %d, want the demo's scan\n%s", p.status, p.body)
	}
	id := m[1]
	if c := b.get("/events/unrouted?format=csv"); !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(c.body, "id,type,observable") || !strings.Contains(c.body, "198.51.100.250") {
		t.Errorf("CSV: %q\n%s", c.header.Get("Content-Type"), c.body)
	}
	for org, says := range map[string]string{"": "Enter the ODS code", "NOPE1": "There is no organisation NOPE1", "not a code": "is not valid"} {
		r := b.post("/events/unrouted/"+id+"/assign", url.Values{"org": {org}})
		if r.status != http.StatusUnprocessableEntity || !r.has(`href="#org-`+id+`"`, says) {
			t.Errorf("assign to %q: %d, want 422 saying %q\n%s", org, r.status, says, r.body)
		}
	}
	r := b.post("/events/unrouted/"+id+"/assign", url.Values{"org": {"r9c"}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !regexp.MustCompile(`^/alerts/\d+\?done=event-assigned$`).MatchString(loc) {
		t.Fatalf("assign: %d to %q\n%s", r.status, loc, r.body)
	}
	if a := b.get(loc); !a.has("Event assigned", "198.51.100.250", "Alert", "for R9C") {
		t.Errorf("the raised alert's page\n%s", a.body)
	}
	if p := b.get("/events/unrouted"); p.has("198.51.100.250") || !p.has("No event is waiting to be assigned.") {
		t.Errorf("the assigned event is still listed")
	}
	if p := b.get("/"); !p.has("No event is waiting to be assigned.") {
		t.Errorf("the board still counts the assigned event")
	}
	if r := b.post("/events/unrouted/"+id+"/assign", url.Values{"org": {"R9A"}}); r.status != http.StatusUnprocessableEntity || !r.has("assigned to R9C") {
		t.Errorf("assigning twice: %d, want 422 naming the first assignment\n%s", r.status, r.body)
	}
}

// TestOrganisationList checks the register's search, filters, pages and CSV.
func TestOrganisationList(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	p := b.get("/orgs?q=NORTHBROOK")
	if p.status != http.StatusOK || !p.has(`href="/orgs/R9A"`, "NHS trust", "North West") || p.has(`href="/orgs/R9B"`) {
		t.Errorf("search by name: %d\n%s", p.status, p.body)
	}
	if p := b.get("/orgs?q=y9000"); !p.has(`href="/orgs/Y90001"`, `href="/orgs/Y90008"`) || p.has(`href="/orgs/R9A"`) {
		t.Errorf("search by ODS code: want the GP practices only")
	}
	if p := b.get("/orgs?kind=gp&region=Midlands"); !p.has(`href="/orgs/Y90003"`, `href="/orgs/Y90004"`, `<option value="Midlands" selected>`) ||
		p.has(`href="/orgs/Y90001"`) || p.has(`href="/orgs/R9B"`) {
		t.Errorf("GP practices in the Midlands\n%s", p.body)
	}
	first := b.get("/orgs?limit=5")
	m := regexp.MustCompile(`<a href="(/orgs\?[^"]*cursor=[^"]*)">Next page</a>`).FindStringSubmatch(first.body)
	if m == nil || strings.Count(first.body, `<td class="nhsuk-table__cell"><a href="/orgs/`) != 5 {
		t.Fatalf("first page of 5: want 5 rows and a next page\n%s", first.body)
	}
	second := b.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if second.status != http.StatusOK || strings.Count(second.body, `<td class="nhsuk-table__cell"><a href="/orgs/`) != 5 || second.body == first.body {
		t.Errorf("second page: %d", second.status)
	}
	c := b.get("/orgs?q=northbrook&format=csv")
	if !strings.HasPrefix(c.header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(c.body, "ods_code,name,kind,region,parent,ip_ranges,domains,hostnames,pending\nR9A,Northbrook Teaching Hospitals NHS Foundation Trust,trust,North West,,192.0.2.0/27 2001:db8:") {
		t.Errorf("CSV: %q\n%s", c.header.Get("Content-Type"), c.body)
	}
	if p := b.get("/orgs?cursor=nonsense"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad cursor: %d, want 422", p.status)
	}
	if p := b.get("/orgs/NOPE1"); p.status != http.StatusNotFound || !p.has("no organisation NOPE1") {
		t.Errorf("an unknown organisation: %d\n%s", p.status, p.body)
	}
}

// TestOrganisationPage checks an organisation's page: its details, supplier links,
// alerts, and the sector's adding and removing of assets, approved at once.
func TestOrganisationPage(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	p := b.get("/orgs/YSP01")
	if p.status != http.StatusOK || !p.has("<h1>CarePlan Cloud", "Customers (25)", `href="/orgs/1-101000007"`) {
		t.Errorf("the supplier's page: %d\n%s", p.status, p.body)
	}
	p = b.get("/orgs/1-101000007")
	if !p.has("<h1>Oakleigh House Care Home</h1>", `href="/orgs/YSP01"`, "Latest alerts", `href="/alerts?org=1-101000007"`) {
		t.Errorf("the care home's page\n%s", p.body)
	}
	if r := b.post("/orgs/Y90003/assets", url.Values{"kind": {"domain"}, "value": {""}}); r.status != http.StatusUnprocessableEntity ||
		!r.has(`href="#asset-value"`, "Enter the IP range, domain or host name") {
		t.Errorf("adding nothing: %d\n%s", r.status, r.body)
	}
	if r := b.post("/orgs/Y90003/assets", url.Values{"kind": {"domain"}, "value": {"gmail.com"}}); r.status != http.StatusUnprocessableEntity ||
		!r.has("public mail provider", `value="gmail.com"`) {
		t.Errorf("adding a mail provider: %d\n%s", r.status, r.body)
	}
	r := b.post("/orgs/Y90003/assets", url.Values{"kind": {"hostname"}, "value": {"VPN.Riverside-HC.example"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/orgs/Y90003?done=asset-added#assets" {
		t.Fatalf("add: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if p := b.get("/orgs/Y90003?done=asset-added"); !p.has("Asset added and approved", "vpn.riverside-hc.example") || p.has("Waiting for approval") {
		t.Errorf("after adding: want the host active\n%s", p.body)
	}
	r = b.post("/orgs/Y90003/assets/remove", url.Values{"asset": {"hostname:vpn.riverside-hc.example"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", r.status, r.body)
	}
	if p := b.get("/orgs/Y90003"); p.has("vpn.riverside-hc.example") {
		t.Errorf("the removed host is still listed")
	}
}

// TestOverlapsToDecide checks that the sector's claim inside another organisation's
// network is flagged, listed to decide, and accepted only with a note.
func TestOverlapsToDecide(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	r := b.post("/orgs/Y90004/assets", url.Values{"kind": {"ip_range"}, "value": {"192.0.2.8/30"}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=asset-overlaps") {
		t.Fatalf("add an overlapping range: %d to %q", r.status, r.header.Get("Location"))
	}
	p := b.get("/orgs/overlaps")
	m := cardOf(p.body, "overlap", "Y90004&#39;s 192.0.2.8/30")
	if m == nil || !p.has("R9A claims 192.0.2.0/27, which contains Y90004&#39;s 192.0.2.8/30") {
		t.Fatalf("overlaps: want the new one\n%s", p.body)
	}
	if r := b.post("/orgs/overlaps/"+m[1]+"/accept", url.Values{"note": {""}}); r.status != http.StatusUnprocessableEntity || !r.has(`href="#note-`+m[1]+`"`) {
		t.Errorf("accept without a note: %d\n%s", r.status, r.body)
	}
	if r := b.post("/orgs/overlaps/"+m[1]+"/accept", url.Values{"note": {"The trust hosts the practice's network."}}); r.status != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", r.status, r.body)
	}
	if p := b.get("/orgs/overlaps"); p.has(`id="overlap-` + m[1] + `"`) {
		t.Errorf("the accepted overlap is still to decide")
	}
	if p := b.get("/orgs/overlaps?status=accepted"); !p.has("Accepted by "+analyst, "The trust hosts the practice&#39;s network.") {
		t.Errorf("accepted overlaps\n%s", p.body)
	}
}

// TestAnalystPagesHaveNoInlineScriptOrStyle checks the centre's pages against what the
// Content-Security-Policy would block, and that each has one h1.
func TestAnalystPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(analyst)
	for _, path := range []string{"/", "/orgs", "/orgs/R9A", "/orgs/YSP01", "/orgs/assets/pending", "/orgs/overlaps", "/events/unrouted"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s = %d", path, p.status)
			continue
		}
		if regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`).MatchString(p.body) || strings.Contains(p.body, " style=") {
			t.Errorf("%s has an inline script or style", path)
		}
		if n := strings.Count(p.body, "<h1"); n != 1 {
			t.Errorf("%s has %d h1 elements, want 1", path, n)
		}
	}
}

// TestAnalystPagesRenderHostileTextInert puts markup into what organisations, partners
// and feeds control and checks every centre's page shows it as text.
func TestAnalystPagesRenderHostileTextInert(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	name, region := "Care "+evil, "North "+evil
	if _, err := s.app.Orgs.Update(ctx, analystP, "1-101000007", vigil.OrgPatch{Name: &name, Region: &region,
		Contacts: &[]vigil.Contact{{Name: "Manager " + evil, Role: "Lead " + evil}}}); err != nil {
		t.Fatal(err)
	}
	event := fmt.Sprintf(`{"type":"scan","observable":"198.51.100.240","time":%q,"source":%q,"severity":"low","description":%q}`+"\n",
		time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), "Scanner "+evil, "Seen "+evil)
	if _, err := s.app.EarlyWarning.IngestEvents(ctx, analystP, strings.NewReader(event)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Orgs.Update(ctx, trustAdminP, "R9A", vigil.OrgPatch{AddAssets: []vigil.Asset{{Kind: vigil.AssetDomain, Value: "claim.example"}}}); err != nil {
		t.Fatal(err)
	}
	b := s.signIn(analyst)
	for _, path := range []string{"/", "/orgs", "/orgs?q=care", "/orgs/1-101000007", "/orgs/YSP01", "/orgs/assets/pending", "/events/unrouted"} {
		p := b.get(path)
		if p.status != http.StatusOK || strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img src=x") {
			t.Errorf("%s: %d, renders the markup as markup", path, p.status)
		}
	}
	if p := b.get("/orgs/1-101000007"); !p.has("Care &lt;script&gt;alert(1)&lt;/script&gt;", "Manager &lt;script&gt;") {
		t.Errorf("the care home's page does not show its name as text\n%s", p.body)
	}
	if p := b.get("/events/unrouted"); !p.has("Scanner &lt;script&gt;", "Seen &lt;script&gt;") {
		t.Errorf("the unrouted events do not show the partner's text as text")
	}
	if c := b.get("/orgs?q=care&format=csv"); !strings.Contains(c.body, "Care <script>") {
		t.Errorf("the CSV should hold the name as it is (a CSV is not a page)\n%s", c.body)
	}
}
