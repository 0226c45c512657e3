package pages_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserWebhookAndMessages: a trust's IT lead, on a phone, adds a Teams webhook,
// copies its secret, sends a test that arrives, and reads the messages vigil wrote as
// .eml files; every page on the way is checked (accessibility, 360 px, policy).
func TestBrowserWebhookAndMessages(t *testing.T) {
	s := demoSite(t)
	if _, err := s.app.Notify.DeliverDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	recv := startReceiver(t)
	lead := s.openTab(t, "trust IT lead", phone)
	lead.signIn(trustAdmin)
	lead.visit("/webhooks")
	lead.see("No webhooks yet")
	lead.click("the add form", `a[href="/webhooks/new"]`)
	lead.load("refused when empty", http.StatusUnprocessableEntity, chromedp.Click(chromedp.CSS(`form[action="/webhooks"] button[type="submit"]`), chromedp.NodeVisible))
	lead.checkPage("refused when empty")
	lead.see("There is a problem", "Choose where the messages go", "Enter the address")
	lead.run("choose Teams", chromedp.Click(chromedp.CSS(`label[for="webhook-kind"]`), chromedp.NodeVisible))
	lead.fill("#webhook-url", recv.url)
	lead.fill("#webhook-description", "The IT team's channel")
	lead.load("added", http.StatusCreated, chromedp.Click(chromedp.CSS(`form[action="/webhooks"] button[type="submit"]`), chromedp.NodeVisible))
	lead.checkPage("added")
	lead.see("Copy the secret now", "X-Vigil-Signature", "Microsoft Teams")
	if secret := lead.attr("#secret", "value"); !regexp.MustCompile(`^whsec_`).MatchString(secret) {
		t.Fatalf("the secret shown is %q", secret)
	}
	lead.click("the webhook's page", `a.nhsuk-button[href^="/webhooks/"]`)
	lead.click("tested", `form[action$="/test"] button`)
	lead.see("Test sent", "Delivered", "Answered HTTP 204")
	if recv.count() != 1 {
		t.Errorf("the receiver got %d requests, want the test", recv.count())
	}
	lead.visit("/notifications")
	lead.see("Messages sent", "Written to a file", ".eml")
}
