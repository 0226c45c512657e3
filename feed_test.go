package vigil_test

import (
	"strings"
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

// A feed or advisory source changed with its URL as vigil shows it (the query hidden)
// keeps the stored URL with its key; any other URL replaces it, and a redacted URL with
// something else changed is refused, since it would be pulled without the key.
func TestURLAsShownKeepsTheStoredOne(t *testing.T) {
	const stored = "https://partner.example/list.txt?apikey=SEKRIT#part"
	tests := []struct {
		name, given, want string
		refused           bool
	}{
		{"as shown", "https://partner.example/list.txt?…#…", stored, false},
		{"as shown, with spaces around", " https://partner.example/list.txt?…#… ", stored, false},
		{"the query typed again", "https://partner.example/list.txt?apikey=NEW", "https://partner.example/list.txt?apikey=NEW", false},
		{"the query taken out", "https://partner.example/list.txt", "https://partner.example/list.txt", false},
		{"the fragment taken out", "https://partner.example/list.txt?…", "https://partner.example/list.txt?…", true},
		{"another path, the query left hidden", "https://partner.example/v2.txt?…#…", "https://partner.example/v2.txt?…#…", true},
		{"another host, the query left hidden", "https://mirror.example/list.txt?…", "https://mirror.example/list.txt?…", true},
		{"the hidden query with more added", "https://partner.example/list.txt?…&day=1", "https://partner.example/list.txt?…&day=1", true},
		{"the hidden query escaped", "https://partner.example/list.txt?%E2%80%A6", "https://partner.example/list.txt?%E2%80%A6", true},
		{"as shown, escaped by a browser", "https://partner.example/list.txt?%E2%80%A6#%E2%80%A6", stored, false},
		{"the hidden query with a character added", "https://partner.example/list.txt?…;#…", "https://partner.example/list.txt?…;#…", true},
		{"the hidden query as an HTML entity", "https://partner.example/list.txt?&hellip;#…", "https://partner.example/list.txt?&hellip;#…", true},
		{"the hidden fragment with a space added", "https://partner.example/list.txt?…#…%20", "https://partner.example/list.txt?…#…%20", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := vigil.Feed{Name: "partner", Kind: vigil.FeedURL, URL: stored, Token: "key"}.Patched(vigil.FeedPatch{URL: &tt.given})
			a, moved := vigil.AdvisorySource{Name: "kev", Kind: vigil.AdvisoryKEV, URL: stored}.Patched(vigil.AdvisorySourcePatch{URL: &tt.given})
			if f.URL != tt.want || a.URL != strings.TrimSpace(tt.want) || (tt.want == stored && f.Token != "key") {
				t.Errorf("feed URL %q token %q, source URL %q; want %q (and the token kept when kept)", f.URL, f.Token, a.URL, tt.want)
			}
			if moved != (a.URL != stored) {
				t.Errorf("the source moved = %v, for URL %q", moved, a.URL)
			}
			for what, err := range map[string]error{"feed": f.Validate(), "source": a.Validate()} {
				if (vigil.ErrorCode(err) == vigil.EINVALID) != tt.refused || (tt.refused && !strings.Contains(vigil.ErrorMessage(err), "type the address in full")) {
					t.Errorf("%s Validate: %v, want refused %v saying to type the address in full", what, err, tt.refused)
				}
			}
		})
	}
	if got := vigil.KeepRedactedURL("", ""); got != "" {
		t.Errorf("KeepRedactedURL of no stored URL = %q", got)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://partner.example/list.txt", "https://partner.example/list.txt"},
		{"https://partner.example/list.txt?apikey=s3cret&day=1", "https://partner.example/list.txt?…"},
		{"https://partner.example/list.txt?code=s3cret#frag", "https://partner.example/list.txt?…#…"},
		{"https://partner.example/list.txt#s3cret", "https://partner.example/list.txt#…"},
		{"https://u:pw@partner.example/", "https://partner.example/"},
		{"ftp://user:SEKRITa@host.example/x?key=SEKRITb", "ftp://host.example/x?…"},
		{"https://host.example/%zz?key=SEKRITk", "https://host.example/%zz?…"},
		{"https://us?er:pa#ss@host.example/%zz?key=SEKRITk", "https://…"},
		{"https://user:pa/ss@host.example/%zz", "https://host.example/%zz"},
		{"0://0SEKRIT@0?@SEKRIT#0SEKRIT", "0://…"},
		{"https://user:p w@host.example:99999/x", "https://host.example:99999/x"},
		{"ftp:user:SEKRIT@host.example", "host.example"},
		{"://bad", "://bad"},
		{"http://bücher.example/list.txt?key=SEKRIT", "http://bücher.example/list.txt?…"},
	}
	for _, tt := range tests {
		if got := vigil.RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A feed refused for its URL names the URL so the person sees which one, but without the
// credentials it may carry in its user info or its query.
func TestFeedValidateDoesNotEchoCredentials(t *testing.T) {
	tests := []struct{ url, want string }{
		{"ftp://user:SEKRITa@host.example/x?key=SEKRITb", `url "ftp://host.example/x?…" must start with http:// or https://`},
		{"https://host.example/%zz?key=SEKRITk", `url "https://host.example/%zz?…" does not parse`},
		{"https:///x?token=SEKRITt#SEKRITf", `url "https:///x?…#…" has no host`},
		{"https://user:SEKRIT/pw@host.example/x", `url "https://host.example/x" does not parse: the port after the host is not a number`},
	}
	for _, tt := range tests {
		f := vigil.Feed{Name: "f1", Kind: vigil.FeedURL, URL: tt.url}
		err := f.Validate()
		msg := vigil.ErrorMessage(err)
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(msg, tt.want) {
			t.Errorf("Validate(%q): %v, want %s saying %q", tt.url, err, vigil.EINVALID, tt.want)
		}
		if strings.Contains(msg, "SEKRIT") {
			t.Errorf("Validate(%q) echoes a secret: %q", tt.url, msg)
		}
	}
}

// Whatever the URL, the user info and the query and fragment values never come back.
func FuzzRedactURL(f *testing.F) {
	f.Add("https", "user:pw", "host.example", "/x", "key=v", "frag")
	f.Add("ftp", "u", "host.example:21", "/%zz", "a=b&c", "")
	f.Add("https", "us?er:p#w", "[::1]", "", "", "x")
	f.Fuzz(func(t *testing.T, scheme, user, host, path, query, frag string) {
		const secret = "SEKRIT"
		if strings.Contains(scheme+host+path, secret) || strings.ContainsAny(host+path, "@?#") ||
			strings.ContainsAny(scheme, ":/?#@") || strings.Contains(user, "/") ||
			(path != "" && !strings.HasPrefix(path, "/")) {
			t.Skip() // the secret only where secrets go, in a URL of the usual shape (a "/" ends the user info)
		}
		u := scheme + "://" + user + secret + "@" + host + path + "?" + query + secret
		if frag != "" {
			u += "#" + frag + secret
		}
		if got := vigil.RedactURL(u); strings.Contains(got, secret) {
			t.Errorf("RedactURL(%q) = %q, which shows the secret", u, got)
		}
	})
}
