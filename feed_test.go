package vigil_test

import (
	"testing"

	"github.com/vigil-health/vigil"
)

func TestFeedPatchedDropsCredentialsOnAnotherOrigin(t *testing.T) {
	s := func(v string) *string { return &v }
	cur := vigil.Feed{Name: "partner", Kind: vigil.FeedURL, URL: "https://partner.example/list.txt", Username: "soc", Password: "pw", Token: "key"}
	tests := []struct {
		name              string
		patch             vigil.FeedPatch
		user, pass, token string
		dropped           bool
	}{
		{"no URL in the patch", vigil.FeedPatch{Name: s("p2")}, "soc", "pw", "key", false},
		{"same origin, another path", vigil.FeedPatch{URL: s("https://partner.example/v2/list.txt")}, "soc", "pw", "key", false},
		{"default port written out", vigil.FeedPatch{URL: s("https://partner.example:443/list.txt")}, "soc", "pw", "key", false},
		{"host in capitals", vigil.FeedPatch{URL: s("https://PARTNER.EXAMPLE/list.txt")}, "soc", "pw", "key", false},
		{"another host", vigil.FeedPatch{URL: s("https://listener.example/list.txt")}, "", "", "", true},
		{"a subdomain", vigil.FeedPatch{URL: s("https://evil.partner.example/list.txt")}, "", "", "", true},
		{"another port", vigil.FeedPatch{URL: s("https://partner.example:4443/list.txt")}, "", "", "", true},
		{"https to http", vigil.FeedPatch{URL: s("http://partner.example/list.txt")}, "", "", "", true},
		{"another host, basic auth given again", vigil.FeedPatch{URL: s("https://mirror.example/"), Username: s("u2"), Password: s("p2")}, "u2", "p2", "", true},
		{"another host, credentials cleared in the patch", vigil.FeedPatch{URL: s("https://mirror.example/"), Username: s(""), Password: s(""), Token: s("")}, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dropped := cur.Patched(tt.patch)
			if got.Username != tt.user || got.Password != tt.pass || got.Token != tt.token || dropped != tt.dropped {
				t.Errorf("Patched: user %q pass %q token %q dropped %v; want %q %q %q %v",
					got.Username, got.Password, got.Token, dropped, tt.user, tt.pass, tt.token, tt.dropped)
			}
			if tt.patch.URL != nil && got.URL != *tt.patch.URL {
				t.Errorf("URL %q, want %q", got.URL, *tt.patch.URL)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://partner.example/list.txt", "https://partner.example/list.txt"},
		{"https://partner.example/list.txt?apikey=s3cret&day=1", "https://partner.example/list.txt?apikey=xxxxx&day=1"},
		{"https://u:pw@partner.example/", "https://partner.example/"},
		{"://bad", "the feed's URL"},
	}
	for _, tt := range tests {
		if got := vigil.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
