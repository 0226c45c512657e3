package pages_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// TestAddAddressWaitsForApproval walks a trust's IT lead adding a domain: the page says it
// waits for the sector centre, and events about it route nowhere until an analyst
// approves it.
func TestAddAddressWaitsForApproval(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(trustAdmin)
	if p := b.get("/organisation"); p.status != http.StatusOK || !p.has("<title>Your organisation – vigil</title>",
		"Northbrook Teaching Hospitals NHS Foundation Trust", "northbrook-hospitals.example", "Active", "Add an address or domain") {
		t.Fatalf("organisation page: %d, want the trust's details, its active addresses and the add form\n%s", p.status, p.body)
	}
	event := fmt.Sprintf(`{"type":"phishing","observable":"portal.northbrook-records.example","time":%q,"source":"Test partner","severity":"high"}`,
		time.Now().UTC().Format(time.RFC3339))
	routed := func() int {
		t.Helper()
		res, err := s.app.EarlyWarning.IngestEvents(context.Background(), vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}, strings.NewReader(event))
		if err != nil || res.Accepted != 1 {
			t.Fatalf("ingest an event: %+v %v", res, err)
		}
		return res.Routed
	}
	if n := routed(); n != 0 {
		t.Fatalf("before the claim, the event routed to %d organisations", n)
	}

	p := b.post("/organisation/assets", url.Values{"asset": {"https://www.Northbrook-Records.example/login"}, "asset-kind": {"domain"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/organisation?done=asset-pending#assets" {
		t.Fatalf("add: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	p = b.get("/organisation?done=asset-pending")
	row := regexp.MustCompile(`(?s)<td class="nhsuk-table__cell vigil-break">northbrook-records\.example</td>.*?</tr>`).FindString(p.body)
	if !p.has("It is waiting for approval by the sector centre") || !strings.Contains(row, "Waiting for approval") {
		t.Fatalf("after adding: want the banner and the address waiting for approval\n%s", p.body)
	}
	if n := routed(); n != 0 {
		t.Errorf("a claim waiting for approval routed the event to %d organisations", n)
	}

	pending, _, err := s.app.Orgs.Assets(context.Background(), vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst},
		vigil.AssetFilter{Status: vigil.AssetPending, Org: "R9A"})
	pending = slices.DeleteFunc(pending, func(a vigil.OrgAsset) bool { return a.Value != "northbrook-records.example" }) // the demo's own claims wait too
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending claims of R9A: %+v %v", pending, err)
	}
	if _, err := s.app.Orgs.ApproveAsset(context.Background(), vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}, pending[0].ID, "Checked with the trust."); err != nil {
		t.Fatal(err)
	}
	if n := routed(); n != 1 {
		t.Errorf("once approved, the event routed to %d organisations, want 1", n)
	}
	if p := b.get("/organisation"); !strings.Contains(rowOf(p.body, "northbrook-records.example"), "Active") {
		t.Errorf("approved, yet the page says it waits\n%s", p.body)
	}
}

// TestAddressRefused checks that an address no organisation could own is refused with
// the reason beside the field, and that an analyst's refusal shows with its reason.
func TestAddressRefused(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	for _, tc := range []struct {
		name, value, kind, want string
	}{
		{"a shared mail provider", "gmail.com", "domain", "a public mail provider shared by millions of people"},
		{"a private range", "192.168.1.0/24", "domain", "private-use address space"},
		{"too wide", "203.0.0.0/8", "domain", "wider than one organisation could own"},
		{"nothing typed", " ", "domain", "Enter a domain name, web address or internet (IP) address"},
	} {
		p := b.post("/organisation/assets", url.Values{"asset": {tc.value}, "asset-kind": {tc.kind}})
		if p.status != http.StatusUnprocessableEntity || !p.has("There is a problem", `<a href="#asset">`, "nhsuk-input--error", tc.want) {
			t.Errorf("%s: %d, want 422 with %q beside the field\n%s", tc.name, p.status, tc.want, p.body)
		}
	}

	if p := b.post("/organisation/assets", url.Values{"asset": {"oakleigh-house-bookings.example"}, "asset-kind": {"hostname"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	an := vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}
	pending, _, err := s.app.Orgs.Assets(context.Background(), an, vigil.AssetFilter{Status: vigil.AssetPending, Org: "1-101000007"})
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending claims: %+v %v", pending, err)
	}
	if _, err := s.app.Orgs.RejectAsset(context.Background(), an, pending[0].ID, "This booking site belongs to the council, not the home."); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/organisation"); !p.has("oakleigh-house-bookings.example", "Not accepted", "This booking site belongs to the council, not the home.") {
		t.Errorf("after the refusal: want the address shown as not accepted, with the reason\n%s", p.body)
	}
	if p := b.get("/organisation?format=csv"); !p.has("oakleigh-house-bookings.example,hostname,refused,"+analyst, "oakleigh-house-care-home.example,domain,active") {
		t.Errorf("addresses as CSV: want the active and refused ones\n%s", p.body)
	}
}

// TestMemberSeesButCannotChange checks that an organisation's member sees its page
// without the forms, and is refused a change posted anyway.
func TestMemberSeesButCannotChange(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(wardManager)
	p := b.get("/organisation")
	if p.status != http.StatusOK || !p.has("northbrook-hospitals.example", "Suppliers") || p.has("Add an address or domain") || p.has("Add a contact") || p.has(">Remove") {
		t.Errorf("member's view: %d, want the page without forms\n%s", p.status, p.body)
	}
	if p := b.post("/organisation/assets", url.Values{"asset": {"northbrook-records.example"}, "asset-kind": {"domain"}}); p.status != http.StatusForbidden {
		t.Errorf("member adding an address: %d, want 403\n%s", p.status, p.body)
	}
	if p := b.post("/organisation/contacts", url.Values{"contact-name": {"Someone"}}); p.status != http.StatusForbidden {
		t.Errorf("member adding a contact: %d, want 403", p.status)
	}
	if p := b.get("/organisation/contacts/1"); p.status != http.StatusForbidden {
		t.Errorf("member opening a contact's form: %d, want 403", p.status)
	}
}

// TestContacts walks a care-home manager through her contacts: add, change, a refused
// change, and remove, each round-tripping through the page.
func TestContacts(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	if p := b.post("/organisation/contacts", url.Values{"contact-name": {""}, "contact-email": {"linda@oakleigh.example"}}); p.status != http.StatusUnprocessableEntity ||
		!p.has(`<a href="#contact-name">`, "The name is required", `value="linda@oakleigh.example"`) {
		t.Errorf("a contact without a name: %d, want 422 with the form kept\n%s", p.status, p.body)
	}
	p := b.post("/organisation/contacts", url.Values{"contact-name": {"Linda Marsh"}, "contact-role": {"Registered manager"},
		"contact-email": {"Linda.Marsh@Oakleigh-House-Care-Home.example"}, "contact-phone": {"01632 960000"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/organisation?done=contact-added#contacts" {
		t.Fatalf("add: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	list := b.get("/organisation?done=contact-added")
	if !list.has("Contact added", "Linda Marsh", "Registered manager", "linda.marsh@oakleigh-house-care-home.example", "01632 960000") {
		t.Fatalf("after adding: want the contact listed\n%s", list.body)
	}
	edit := regexp.MustCompile(`href="(/organisation/contacts/\d+)">Change<span class="nhsuk-u-visually-hidden"> Linda Marsh<`).FindStringSubmatch(list.body)
	if edit == nil {
		t.Fatalf("no link to change the contact\n%s", list.body)
	}
	form := b.get(edit[1])
	if form.status != http.StatusOK || !form.has(`value="Linda Marsh"`, `name="was-name"`) {
		t.Fatalf("change form: %d\n%s", form.status, form.body)
	}
	was := url.Values{"was-name": {"Linda Marsh"}, "was-email": {"linda.marsh@oakleigh-house-care-home.example"}}
	change := func(v url.Values) page {
		for k, vs := range was {
			v[k] = vs
		}
		return b.post(edit[1], v)
	}
	if p := change(url.Values{"contact-name": {"Linda Marsh"}, "contact-email": {"not an address"}}); p.status != http.StatusUnprocessableEntity ||
		!p.has(`<a href="#contact-email">`, `value="not an address"`) {
		t.Errorf("a bad email: %d, want 422 about the email, the form kept\n%s", p.status, p.body)
	}
	if p := change(url.Values{"contact-name": {"Linda Marsh"}, "contact-role": {"Home manager"}, "contact-email": {"linda.marsh@oakleigh-house-care-home.example"},
		"contact-phone": {"01632 960001"}}); p.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", p.status, p.body)
	}
	if p := b.get("/organisation"); !p.has("Home manager", "01632 960001") || p.has("Registered manager") {
		t.Errorf("after the change: want the new job title and phone\n%s", p.body)
	}
	if p := b.post(edit[1]+"/remove", url.Values{"was-name": {"Someone else"}, "was-email": {""}}); p.status != http.StatusConflict {
		t.Errorf("removing with a stale page: %d, want 409", p.status)
	}
	if p := b.post(edit[1]+"/remove", was); p.status != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", p.status, p.body)
	}
	if p := b.get("/organisation?done=contact-removed"); !p.has("Contact removed") || p.has("Linda Marsh") {
		t.Errorf("after removing: want the contact gone\n%s", p.body)
	}
}

// TestHostileContactIsInert checks that text people type into a contact comes back as
// text on every page that shows it, never as markup.
func TestHostileContactIsInert(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	if p := b.post("/organisation/contacts", url.Values{"contact-name": {hostile}, "contact-role": {hostile}, "contact-phone": {"<b>0</b>"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	links := regexp.MustCompile(`href="(/organisation/contacts/\d+)"`).FindAllStringSubmatch(b.get("/organisation").body, -1)
	if len(links) == 0 {
		t.Fatal("no contact to change on the organisation's page")
	}
	for _, path := range []string{"/organisation", links[len(links)-1][1]} { // the one just added is last
		p := b.get(path)
		if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "<img src=x") || !p.has("&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the contact's text is not escaped\n%s", path, p.body)
		}
	}
}
