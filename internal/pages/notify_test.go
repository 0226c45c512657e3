package pages_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/demo"
)

// TestMessagesPage: the demo's messages, once the delivery loop has written them as .eml
// files, are listed to the organisation they were for with their recipients, status and
// file, to the sector centre with every organisation's, and to nobody else.
func TestMessagesPage(t *testing.T) {
	s := demoSite(t)
	if r, err := s.app.Notify.DeliverDue(t.Context()); err != nil || r.Delivered == 0 {
		t.Fatalf("the delivery round: %+v, %v; want the demo's messages written", r, err)
	}
	trust := s.signIn(trustAdmin)
	p := trust.get("/notifications")
	if p.status != http.StatusOK || !p.has("<h1>Messages sent</h1>", "A computer at Northbrook Teaching Hospitals", "security@northbrook-hospitals.example",
		"Written to a file", "<code>outbox-", "-security@northbrook-hospitals.example.eml</code>", `href="/alerts/`, "TLP:AMBER", ">Sent<") {
		t.Fatalf("the trust's messages: %d\n%s", p.status, p.body)
	}
	if p.has("oakleigh-house-care-home.example") || p.has("Organisation (ODS code)") {
		t.Errorf("the trust sees another organisation's messages, or a filter for them\n%s", p.body)
	}
	if !trust.get("/").has(`href="/notifications"`, `href="/webhooks"`) {
		t.Errorf("the trust admin's menu has no Messages or Webhooks")
	}
	if p := trust.get("/notifications?org=" + demo.CareHomeODS); p.status != http.StatusNotFound {
		t.Errorf("the trust asking for the care home's messages: %d, want 404", p.status)
	}
	if p := trust.get("/notifications?kind=weekly"); p.status != http.StatusBadRequest || !p.has(`<a href="#kind">`) {
		t.Errorf("a kind of message there is not: %d, want 400 pointing at the filter\n%s", p.status, p.body)
	}
	csv := trust.get("/notifications?format=csv")
	if !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csv.body, "message_id,created_at,organisation") ||
		!strings.Contains(csv.body, "security@northbrook-hospitals.example,delivered,1,,outbox-") {
		t.Errorf("the CSV: %s\n%s", csv.header.Get("Content-Type"), csv.body)
	}

	// A member reads the organisation's messages, but not who else they went to.
	ward := s.signIn(wardManager).get("/notifications")
	if ward.status != http.StatusOK || !ward.has("A computer at Northbrook Teaching Hospitals", "Not emailed to you") ||
		ward.has("security@northbrook-hospitals.example") {
		t.Errorf("the ward manager's messages: %d\n%s", ward.status, ward.body)
	}

	analyst := s.signIn(analyst)
	if p := analyst.get("/notifications"); !p.has("northbrook-hospitals.example", "oakleigh-house-care-home.example", "Organisation (ODS code)") {
		t.Errorf("the analyst sees not every organisation's messages\n%s", p.body)
	}
	if p := analyst.get("/notifications?org=" + demo.CareHomeODS); !p.has("oakleigh-house-care-home.example") || p.has("northbrook-hospitals.example") {
		t.Errorf("the analyst's filter by organisation\n%s", p.body)
	}

	sup := s.signIn(supplier)
	if p := sup.get("/notifications"); p.status != http.StatusForbidden {
		t.Errorf("a supplier reading messages: %d, want 403", p.status)
	}
	if home := sup.get("/"); home.has(`href="/notifications"`) || home.has(`href="/webhooks"`) {
		t.Errorf("the supplier's menu offers pages it may not use")
	}
}

// hookReceiver is a webhook receiver on 127.0.0.1 that answers with the status it is
// told and keeps every request.
type hookReceiver struct {
	url string

	mu     sync.Mutex
	status int
	got    []hookRequest
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func startReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{status: http.StatusNoContent}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.got = append(h.got, hookRequest{r.Header.Clone(), b})
		w.WriteHeader(h.status)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL + "/hooks/T0/B0/path-that-is-a-credential"
	return h
}

// received is every request the receiver got, in order.
func (h *hookReceiver) received() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.got...)
}

func (h *hookReceiver) answer(status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status = status
}

// delivery is the request that carried X-Vigil-Delivery id, if one did.
func (h *hookReceiver) delivery(id string) (hookRequest, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.got) - 1; i >= 0; i-- {
		if h.got[i].header.Get("X-Vigil-Delivery") == id {
			return h.got[i], true
		}
	}
	return hookRequest{}, false
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// signedBy reports whether r's X-Vigil-Signature is the HMAC-SHA256, keyed with secret,
// of "<t>.<body>", as the page that showed the secret says to check it.
func signedBy(r hookRequest, secret string) bool {
	fields := map[string]string{}
	for part := range strings.SplitSeq(r.header.Get("X-Vigil-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		fields[k] = v
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(fields["t"] + "."))
	mac.Write(r.body)
	return fields["t"] != "" && hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(fields["v1"]))
}

// TestWebhookJourney: a trust's IT lead adds a webhook, keeps its secret (shown once),
// sends a test that arrives signed, sees a failed one in the dead letters and retries it
// once the receiver is fixed, then deletes the webhook.
func TestWebhookJourney(t *testing.T) {
	s := demoSite(t)
	recv := startReceiver(t)
	b := s.signIn(trustAdmin)

	if p := b.get("/webhooks"); p.status != http.StatusOK || !p.has("No webhooks yet", `href="/webhooks/new"`) {
		t.Fatalf("the empty list: %d\n%s", p.status, p.body)
	}
	if p := b.get("/webhooks/new"); p.status != http.StatusOK || !p.has(`for="webhook-url"`, `for="webhook-kind"`, "Microsoft Teams", "Slack") ||
		p.has(`id="webhook-org"`) {
		t.Fatalf("the form: %d\n%s", p.status, p.body)
	}
	for name, tc := range map[string]struct {
		form  url.Values
		field string
	}{
		"no kind":            {url.Values{"webhook-url": {recv.url}}, "webhook-kind"},
		"no address":         {url.Values{"webhook-kind": {"json"}}, "webhook-url"},
		"plain http outside": {url.Values{"webhook-kind": {"json"}, "webhook-url": {"http://hooks.example/x"}}, "webhook-url"},
		"a long description": {url.Values{"webhook-kind": {"json"}, "webhook-url": {recv.url}, "webhook-description": {strings.Repeat("x", 201)}},
			"webhook-description"},
	} {
		if p := b.post("/webhooks", tc.form); p.status != http.StatusUnprocessableEntity || !p.has(`<a href="#`+tc.field+`">`) {
			t.Errorf("%s: %d, want 422 pointing at %s\n%s", name, p.status, tc.field, p.body)
		}
	}

	made := b.post("/webhooks", url.Values{"webhook-kind": {"json"}, "webhook-url": {recv.url}, "webhook-description": {"Our ticketing system"}})
	secret := regexp.MustCompile(`value="(whsec_[A-Za-z0-9_-]+)"`).FindStringSubmatch(made.body)
	link := regexp.MustCompile(`href="/webhooks/(\d+)"`).FindStringSubmatch(made.body)
	if made.status != http.StatusCreated || secret == nil || link == nil || !made.has("X-Vigil-Signature", "only time") ||
		made.has("path-that-is-a-credential") {
		t.Fatalf("adding: %d, want the secret shown once with how to check it\n%s", made.status, made.body)
	}
	id := link[1]
	hook := "/webhooks/" + id
	seen := []page{}
	get := func(path string) page {
		p := b.get(path)
		seen = append(seen, p)
		return p
	}
	if p := get("/webhooks"); !p.has(hook, "Our ticketing system", "Nothing sent yet", "http://127.0.0.1:") {
		t.Errorf("the list after adding\n%s", p.body)
	}

	// A test arrives, signed with the secret.
	if p := b.post(hook+"/test", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != hook+"?done=webhook-test-delivered" {
		t.Fatalf("a test: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	newest := regexp.MustCompile(`Number (\d+),`).FindStringSubmatch(get(hook).body)
	if newest == nil {
		t.Fatal("the webhook's page lists no delivery")
	}
	ping, ok := recv.delivery(newest[1])
	if !ok || ping.header.Get("X-Vigil-Event") != "ping" || !signedBy(ping, secret[1]) {
		t.Fatalf("the test's request: %v, %+v; want a ping signed with the secret", ok, ping.header)
	}
	if p := get(hook + "?done=webhook-test-delivered"); !p.has("Test sent", ">Delivered<", "Answered HTTP 204") {
		t.Errorf("the webhook's page after the test\n%s", p.body)
	}

	// A test the receiver refuses is a dead letter, retried once it is fixed.
	recv.answer(http.StatusInternalServerError)
	if p := b.post(hook+"/test", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != hook+"?test=failed" {
		t.Fatalf("a refused test: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := get(hook + "?test=failed"); !p.has("The test did not arrive", "Answered HTTP 500", ">Failed<", "Retry now") {
		t.Errorf("the webhook's page after a refused test\n%s", p.body)
	}
	dead := get("/webhooks/deliveries?status=dead")
	retry := regexp.MustCompile(`action="/webhooks/deliveries/(\d+)/retry"`).FindStringSubmatch(dead.body)
	if dead.status != http.StatusOK || retry == nil || !dead.has("Failed webhook deliveries", "Answered HTTP 500") {
		t.Fatalf("the dead letters: %d\n%s", dead.status, dead.body)
	}
	if p := get("/webhooks"); !p.has("1 delivery failed", `href="/webhooks/deliveries?status=dead"`) {
		t.Errorf("the list does not say a delivery failed\n%s", p.body)
	}
	recv.answer(http.StatusOK)
	before := recv.count()
	if p := b.post("/webhooks/deliveries/"+retry[1]+"/retry", nil); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != "/webhooks/deliveries?status=dead&done=delivery-retried" {
		t.Fatalf("retry: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.post("/webhooks/deliveries/"+retry[1]+"/retry", nil); p.status != http.StatusConflict {
		t.Errorf("retrying what is already waiting: %d, want 409", p.status)
	}
	// The delivery loop (not running in these tests) picks it up at once; one round here.
	if _, err := s.app.Notify.DeliverDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	again, ok := recv.delivery(retry[1])
	if !ok || recv.count() <= before || !signedBy(again, secret[1]) {
		t.Errorf("the retried delivery did not arrive signed: %v", ok)
	}
	if p := get("/webhooks/deliveries?status=dead&done=delivery-retried"); !p.has("Delivery put back", "No failed deliveries") {
		t.Errorf("the dead letters after the retry\n%s", p.body)
	}
	get("/webhooks/deliveries")
	get("/webhooks?format=csv")
	get(hook + "?format=csv")
	for _, p := range seen {
		if strings.Contains(p.body, secret[1]) || strings.Contains(p.body, "path-that-is-a-credential") {
			t.Fatalf("the secret or the address's path shown again:\n%s", p.body)
		}
	}

	if p := b.get(hook + "/delete"); p.status != http.StatusOK || !p.has("Delete webhook", "Our ticketing system") {
		t.Fatalf("the delete page: %d\n%s", p.status, p.body)
	}
	if p := b.post(hook+"/delete", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/webhooks?done=webhook-deleted" {
		t.Fatalf("delete: %d to %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(hook); p.status != http.StatusNotFound {
		t.Errorf("a deleted webhook's page: %d, want 404", p.status)
	}
}

// TestWebhooksAreTheirOwners: another organisation cannot find a trust's webhook, a
// member or a supplier cannot use the pages, an analyst reads without changing, and a
// sector admin adds the centre's own.
func TestWebhooksAreTheirOwners(t *testing.T) {
	s := demoSite(t)
	recv := startReceiver(t)
	made := s.signIn(trustAdmin).post("/webhooks", url.Values{"webhook-kind": {"slack"}, "webhook-url": {recv.url}})
	link := regexp.MustCompile(`href="/webhooks/(\d+)"`).FindStringSubmatch(made.body)
	if link == nil {
		t.Fatalf("adding: %d\n%s", made.status, made.body)
	}
	hook := "/webhooks/" + link[1]
	if p := s.signIn(trustAdmin).post(hook+"/test", nil); p.status != http.StatusSeeOther {
		t.Fatalf("a test: %d", p.status)
	}
	ds, _, err := s.app.Notify.Deliveries(t.Context(), vigil.CommandLine, vigil.DeliveryFilter{})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %+v, %v", ds, err)
	}
	retry := "/webhooks/deliveries/" + strconv.FormatInt(ds[0].ID, 10) + "/retry"

	for _, tc := range []struct {
		who, method, path string
		want              int
	}{
		{wardManager, "GET", "/webhooks", http.StatusForbidden},
		{wardManager, "GET", "/webhooks/new", http.StatusForbidden},
		{wardManager, "GET", hook, http.StatusForbidden},
		{wardManager, "GET", "/webhooks/deliveries", http.StatusForbidden},
		{wardManager, "POST", "/webhooks", http.StatusForbidden},
		{wardManager, "POST", hook + "/test", http.StatusForbidden},
		{wardManager, "POST", hook + "/delete", http.StatusForbidden},
		{supplier, "GET", "/webhooks", http.StatusForbidden},
		{careManager, "GET", hook, http.StatusNotFound},
		{careManager, "GET", hook + "/delete", http.StatusNotFound},
		{careManager, "POST", hook + "/test", http.StatusNotFound},
		{careManager, "POST", hook + "/delete", http.StatusNotFound},
		{careManager, "POST", retry, http.StatusNotFound},
		{careManager, "GET", "/webhooks/deliveries?org=" + demo.TrustODS, http.StatusNotFound},
		{analyst, "GET", hook, http.StatusOK},
		{analyst, "POST", hook + "/test", http.StatusForbidden},
		{analyst, "POST", hook + "/delete", http.StatusForbidden},
		{analyst, "GET", "/webhooks/nonsense", http.StatusNotFound},
	} {
		b := s.signIn(tc.who)
		var p page
		if tc.method == "GET" {
			p = b.get(tc.path)
		} else {
			p = b.post(tc.path, url.Values{"webhook-kind": {"json"}, "webhook-url": {recv.url}})
		}
		if p.status != tc.want {
			t.Errorf("%s %s by %s: %d, want %d", tc.method, tc.path, tc.who, p.status, tc.want)
		}
	}
	care := s.signIn(careManager)
	if p := care.get("/webhooks"); p.status != http.StatusOK || p.has(hook) {
		t.Errorf("another organisation's list shows the trust's webhook: %d\n%s", p.status, p.body)
	}
	if p := care.get("/webhooks/deliveries"); p.status != http.StatusOK || p.has("Webhook "+link[1]) {
		t.Errorf("another organisation's deliveries show the trust's: %d\n%s", p.status, p.body)
	}
	if p := s.signIn(analyst).get(hook); !p.has("Slack", demo.TrustODS) || p.has("Send a test") || p.has("Retry now") || p.has(">Delete<") {
		t.Errorf("the analyst's view of the webhook offers changes\n%s", p.body)
	}

	admin := s.signIn(sectorAdmin)
	if p := admin.get("/webhooks/new"); !p.has(`id="webhook-org"`) {
		t.Errorf("the sector admin's form offers no owner\n%s", p.body)
	}
	if p := admin.post("/webhooks", url.Values{"webhook-kind": {"teams"}, "webhook-url": {recv.url}, "webhook-org": {"RZZ99"}}); p.status != http.StatusUnprocessableEntity ||
		!p.has(`<a href="#webhook-org">`) {
		t.Errorf("an organisation that does not exist: %d\n%s", p.status, p.body)
	}
	if p := admin.post("/webhooks", url.Values{"webhook-kind": {"teams"}, "webhook-url": {recv.url}}); p.status != http.StatusCreated || !p.has("Sector centre", "Microsoft Teams") {
		t.Errorf("the centre's own webhook: %d\n%s", p.status, p.body)
	}
	if p := admin.get("/webhooks?org=centre"); !p.has("Sector centre") || p.has(">"+demo.TrustODS+"<") {
		t.Errorf("the centre's webhooks alone\n%s", p.body)
	}
	if p := s.signIn(trustAdmin).get("/webhooks"); p.has("Sector centre") {
		t.Errorf("the trust sees the centre's webhook\n%s", p.body)
	}
}

// TestContactChoosesDigest: a care-home manager says a contact wants the daily summary
// only; the choice shows in the list and the form, and changes back.
func TestContactChoosesDigest(t *testing.T) {
	s := demoSite(t)
	b := s.signIn(careManager)
	if p := b.get("/organisation"); !p.has(`name="contact-notify"`, `value="immediate" checked`, "Only the daily summary") {
		t.Fatalf("the add form offers no choice, or not immediate first\n%s", p.body)
	}
	if p := b.post("/organisation/contacts", url.Values{"contact-name": {"Dev Patel"}, "contact-email": {"dev@oakleigh.example"},
		"contact-notify": {"weekly"}}); p.status != http.StatusUnprocessableEntity || !p.has(`<a href="#contact-notify">`) {
		t.Errorf("a choice there is not: %d\n%s", p.status, p.body)
	}
	if p := b.post("/organisation/contacts", url.Values{"contact-name": {"Dev Patel"}, "contact-email": {"dev@oakleigh.example"},
		"contact-notify": {"digest"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	row := regexp.MustCompile(`(?s)<td class="nhsuk-table__cell">Dev Patel</td>.*?</tr>`).FindString(b.get("/organisation").body)
	if !strings.Contains(row, "Only the daily summary") {
		t.Fatalf("the contact's row does not show the choice: %s", row)
	}
	edit := regexp.MustCompile(`href="(/organisation/contacts/\d+)"`).FindStringSubmatch(row)
	if edit == nil {
		t.Fatalf("no link to change the contact: %s", row)
	}
	if p := b.get(edit[1]); !p.has(`value="digest" checked`) || p.has(`value="immediate" checked`) {
		t.Errorf("the change form does not keep the choice\n%s", p.body)
	}
	o, err := s.app.Orgs.Get(t.Context(), vigil.CommandLine, demo.CareHomeODS)
	if err != nil || !hasDigestContact(o.Contacts, "dev@oakleigh.example") {
		t.Errorf("stored contacts %+v, %v; want Dev on the digest", o.Contacts, err)
	}
	if p := b.post(edit[1], url.Values{"was-name": {"Dev Patel"}, "was-email": {"dev@oakleigh.example"}, "contact-name": {"Dev Patel"},
		"contact-email": {"dev@oakleigh.example"}, "contact-notify": {"immediate"}}); p.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", p.status, p.body)
	}
	row = regexp.MustCompile(`(?s)<td class="nhsuk-table__cell">Dev Patel</td>.*?</tr>`).FindString(b.get("/organisation").body)
	if !strings.Contains(row, "Each urgent alert, and the daily summary") {
		t.Errorf("after changing back: %s", row)
	}
}

func hasDigestContact(cs []vigil.Contact, email string) bool {
	for _, c := range cs {
		if c.Email == email {
			return c.DigestOnly()
		}
	}
	return false
}
