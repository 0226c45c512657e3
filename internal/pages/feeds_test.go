package pages_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestFeedsListTheDemoFeeds checks that the feeds page and its CSV show every feed the
// sector has, with its indicators.
func TestFeedsListTheDemoFeeds(t *testing.T) {
	s := demoSite(t)
	feeds, err := s.app.ThreatIntel.ListFeeds(context.Background(), reader, "")
	if err != nil || len(feeds) == 0 {
		t.Fatalf("ListFeeds: %d feeds, %v; the demo should have some", len(feeds), err)
	}
	b := s.signIn(analyst)
	p := b.get("/feeds")
	if p.status != http.StatusOK || !p.has("<h1>Feeds</h1>") {
		t.Fatalf("GET /feeds: %d\n%s", p.status, p.body)
	}
	for _, f := range feeds {
		if !p.has(escaped(t, f.Name), ">"+strconv.FormatInt(f.Indicators, 10)+"<", "/feeds/"+strconv.FormatInt(f.ID, 10)) {
			t.Errorf("the feeds page lacks %s with its %d indicators", f.Name, f.Indicators)
		}
	}
	header, rows := csvRows(t, b.get("/feeds?format=csv"))
	var names []string
	for _, f := range feeds {
		names = append(names, f.Name)
	}
	if got := column(t, header, rows, "name"); !slices.Equal(got, names) {
		t.Errorf("CSV names %v, want the page's %v", got, names)
	}
}

// TestAnalystAddsAFeedAndPullsIt walks an analyst through adding a feed, seeing it
// listed, pulling it and finding its indicators.
func TestAnalystAddsAFeedAndPullsIt(t *testing.T) {
	s := demoSite(t)
	src := newListServer(t, "192.0.2.250\n192.0.2.251\n")
	b := s.signIn(analyst)
	if p := b.get("/feeds/new"); p.status != http.StatusOK || !p.has(`action="/feeds"`, `name="password"`, "discovery address (ending /taxii2/") {
		t.Fatalf("add form: %d\n%s", p.status, p.body)
	}
	form := url.Values{"name": {"Regional honeypots"}, "kind": {"url"}, "url": {src.URL + "/list.txt"},
		"schedule": {"6h0m0s"}, "tlp": {"GREEN"}, "reliability": {"B"}, "credibility": {"2"}, "enabled": {"on"}}
	p := b.post("/feeds", form)
	m := regexp.MustCompile(`^/feeds/(\d+)\?done=feed-added$`).FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("add feed: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	feed := "/feeds/" + m[1]
	if p := b.get(feed + "?done=feed-added"); !p.has("Feed added", "Regional honeypots", "Every 6 hours", "TLP:GREEN", "B2", "Not pulled yet") {
		t.Errorf("the new feed's page: want its settings\n%s", p.body)
	}
	if p := b.get("/feeds"); !p.has("Regional honeypots", escaped(t, src.URL+"/list.txt")) {
		t.Errorf("the feeds list lacks the new feed\n%s", p.body)
	}
	if p := b.post(feed+"/pull", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != feed+"?done=feed-pulled" {
		t.Fatalf("pull now: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.get(feed); !p.has("Working", "2 read, 2 new") {
		t.Errorf("after the pull: want it working with 2 new indicators\n%s", p.body)
	}
	if p := b.get("/indicators?source=Regional+honeypots"); !p.has("192.0.2.250", "192.0.2.251", "Regional honeypots") {
		t.Errorf("the feed's indicators are not found by source\n%s", p.body)
	}
	if p := b.post("/feeds", form); p.status != http.StatusConflict || !p.has("There is a problem", "already registered", `href="#name"`) {
		t.Errorf("a second feed of the same name: %d, want 409 with the reason\n%s", p.status, p.body)
	}
	form.Set("schedule", "whenever")
	if p := b.post("/feeds", form); p.status != http.StatusUnprocessableEntity || !p.has(`href="#schedule"`) {
		t.Errorf("a schedule that is not one: %d, want 422 naming the field\n%s", p.status, p.body)
	}
	if p := b.post(feed+"/delete", nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", p.status, p.body)
	}
	if p := b.get(feed); p.status != http.StatusNotFound {
		t.Errorf("the deleted feed's page: %d, want 404", p.status)
	}
}

// TestFeedCredentialsAreWriteOnly checks that a feed's stored credentials, and keys in
// its address, never reach a page or a download; that saving the form with the fields
// empty keeps them; and that moving the feed to another host drops them, saying so.
func TestFeedCredentialsAreWriteOnly(t *testing.T) {
	s := demoSite(t)
	ctx := context.Background()
	src := newListServer(t, "192.0.2.240\n")
	const user, pass, key = "feed-user-c7a1", "feed-pass-9d2e-very-secret", "feed-key-4b8f-secret"
	b := s.signIn(analyst)
	p := b.post("/feeds", url.Values{"name": {"Partner list"}, "kind": {"url"}, "url": {src.URL + "/list?apikey=" + key},
		"username": {user}, "password": {pass}, "schedule": {"1h0m0s"}, "enabled": {"on"}})
	feed, _, _ := strings.Cut(p.header.Get("Location"), "?")
	if p.status != http.StatusSeeOther {
		t.Fatalf("add feed: %d\n%s", p.status, p.body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(feed, "/feeds/"), 10, 64)
	secrets := []string{user, pass, key}
	pages := []string{"/feeds", feed, feed + "/delete", "/feeds?format=csv", "/indicators?source=Partner+list"}
	leaks := func(when string) {
		t.Helper()
		for _, path := range pages {
			got := b.get(path)
			for _, secret := range secrets {
				if strings.Contains(got.body, secret) {
					t.Errorf("%s: %s shows the stored credential %q", when, path, secret)
				}
			}
		}
	}
	leaks("after adding")
	shown := src.URL + "/list?…"
	if p := b.get(feed); !p.has("a username, a password stored (never shown)", `name="url" type="url" spellcheck="false" autocomplete="off" value="`+escaped(t, shown)+`"`) {
		t.Errorf("the feed's page should say which credentials are stored, and its form hold the address with the key hidden\n%s", p.body)
	}

	// The address as shown with another path is refused: it would be pulled without the key.
	edit := url.Values{"name": {"Partner list"}, "url": {src.URL + "/v2/list?…"}, "schedule": {"6h0m0s"},
		"enabled": {"on"}, "had_credentials": {"yes"}}
	if p := b.post(feed, edit); p.status != http.StatusUnprocessableEntity || !p.has(`href="#url"`, "type the address in full") {
		t.Errorf("a new path with the key left hidden: %d, want 422 asking for the whole address\n%s", p.status, p.body)
	}

	// Saving the form as shown keeps the credentials and the key, and the pull sends them.
	edit.Set("url", shown)
	if p := b.post(feed, edit); p.status != http.StatusSeeOther || p.header.Get("Location") != feed+"?done=feed-saved" {
		t.Fatalf("save unchanged credentials: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	b.post(feed+"/pull", nil)
	leaks("after saving and pulling")
	if got := src.requests(); len(got) == 0 || got[len(got)-1] != user+":"+pass+" Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+pass))+" apikey="+key {
		t.Errorf("the pull after saving sent %q, want the stored username, password and key", got)
	}

	// Moving to another host drops them, and the page says so.
	moved := strings.Replace(src.URL, "127.0.0.1", "localhost", 1) + "/list.txt"
	edit.Set("url", moved)
	p = b.post(feed, edit)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != feed+"?done=feed-saved-credentials-dropped" {
		t.Fatalf("move host: %d to %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if p := b.get(p.header.Get("Location")); !p.has("stored credentials were removed") {
		t.Errorf("after moving host: want the banner saying the credentials went\n%s", p.body)
	}
	f, err := s.app.ThreatIntel.GetFeed(ctx, reader, id)
	if err != nil || f.HasCredentials() || f.URL != moved {
		t.Errorf("after moving host the feed has url %q and credentials %v (%v), want none", f.URL, f.HasCredentials(), err)
	}
}

// TestUploadFeedCannotBePulled checks that pulling a feed filled by uploads says why not.
func TestUploadFeedCannotBePulled(t *testing.T) {
	s := demoSite(t)
	feeds, err := s.app.ThreatIntel.ListFeeds(context.Background(), reader, "")
	if err != nil || len(feeds) == 0 || feeds[0].Kind != vigil.FeedUpload {
		t.Fatalf("the demo's feeds %v, %v: want upload feeds", feeds, err)
	}
	path := "/feeds/" + strconv.FormatInt(feeds[0].ID, 10)
	b := s.signIn(analyst)
	if p := b.get(path); p.has(`action="` + path + `/pull"`) {
		t.Errorf("an upload feed offers Pull now\n%s", p.body)
	}
	if p := b.post(path+"/pull", nil); p.status != http.StatusUnprocessableEntity || !p.has("filled by uploads") {
		t.Errorf("pull an upload feed: %d, want 422 saying why\n%s", p.status, p.body)
	}
}
