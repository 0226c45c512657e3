package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestFeedPagesSayWhatWasLeftOut: a list holding internal addresses, a public resolver
// the built-in warninglists know and a line that is no indicator. "Check the connection"
// counts what the pull will import (not the warninglisted value), and the check, the
// feed's page and the pull's job page say what was left out, why, with examples.
func TestFeedPagesSayWhatWasLeftOut(t *testing.T) {
	benign, err := intel.LoadWarninglistSetting(intel.WarninglistsBuiltin)
	if err != nil {
		t.Fatal(err)
	}
	s := newSiteWith(t, storetest.Open(t), benign)
	src := newListServer(t, "198.51.100.7\n203.0.113.9\n10.1.2.3\n192.168.0.10\n127.0.0.1\n8.8.8.8\nnot an indicator\n")
	b := s.signIn(analyst)
	form := url.Values{"name": {"Sector block list"}, "kind": {"url"}, "url": {src.URL + "/list.txt"},
		"schedule": {"1h0m0s"}, "enabled": {"on"}}
	leftOut := []string{"What was left out, and why",
		"3 internal addresses (private, loopback, link-local…)</strong> left out: they mean something only inside one network, so they are not threats to anyone else",
		`for example <code class="vigil-break">10.1.2.3</code>`, "1 on the public-resolvers list, for example <code class=\"vigil-break\">8.8.8.8</code>",
		"1 rejected value</strong> left out: they are not valid indicators", "1: … is in 127.0.0.0/8, loopback (RFC 1122), for example"}

	form.Set("check", "1")
	check := b.post("/feeds", form)
	if !check.has(append(leftOut, "a pull would import 2 indicators and leave out 3 internal addresses, 1 on warninglists of harmless values, 1 not understood")...) {
		t.Errorf("check the connection: want 2 to import and what is left out, with why\n%s", check.body)
	}
	form.Del("check")
	feed, _, _ := strings.Cut(b.post("/feeds", form).header.Get("Location"), "?")
	id, err := strconv.ParseInt(strings.TrimPrefix(feed, "/feeds/"), 10, 64)
	if err != nil {
		t.Fatalf("add feed: went to %q", feed)
	}
	j, err := s.app.ThreatIntel.StartFeedPull(context.Background(), vigil.Principal{Email: analyst, Role: vigil.RoleSectorAnalyst}, id)
	if err != nil {
		t.Fatal(err)
	}
	s.app.ThreatIntel.WaitJobs()
	if p := b.get(feed); !p.has(append(leftOut, "2 read, 2 new", `<a href="#left-out">left out</a>`)...) {
		t.Errorf("the feed's page after the pull: want what was left out, with why\n%s", p.body)
	}
	if p := b.get("/jobs/" + strconv.FormatInt(j.ID, 10)); p.status != http.StatusOK || !p.has(leftOut...) {
		t.Errorf("the pull's job page: %d, want what was left out, with why\n%s", p.status, p.body)
	}
}
