package pages_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/vigil-health/vigil/internal/intel/taxii/taxiitest"
)

// TestCheckTheConnectionBeforeAddingATAXIIFeed: on the add form, "Check the connection"
// lists the TAXII server's collections from its discovery address, says when the one typed
// is not there, keeps what was typed, and adds nothing.
func TestCheckTheConnectionBeforeAddingATAXIIFeed(t *testing.T) {
	s := demoSite(t)
	ts, err := taxiitest.Open("../feeds/testdata/taxii.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	b := s.signIn(analyst)
	before := b.get("/feeds").body
	form := url.Values{"name": {"Partner CERT"}, "kind": {"taxii"}, "url": {srv.URL + "/taxii2/"}, "collection": {""},
		"schedule": {"1h0m0s"}, "enabled": {"on"}, "password": {"s3cret"}, "username": {"soc"}, "check": {"1"}}
	p := b.post("/feeds", form)
	if p.status != http.StatusOK || !p.has("The connection does not work yet", "choose one of the API root", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
		"Partner indicators", "Enter the credentials again", `value="Partner CERT"`) {
		t.Fatalf("check without a collection: %d, want the collections listed and the form kept\n%s", p.status, p.body)
	}
	form.Set("collection", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b")
	if p := b.post("/feeds", form); !p.has("The connection works", "is there and can be read") {
		t.Errorf("check with the collection: want it to work\n%s", p.body)
	}
	if after := b.get("/feeds").body; after != before {
		t.Errorf("checking changed the feeds list")
	}
}
