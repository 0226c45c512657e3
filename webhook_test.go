package vigil

import (
	"strings"
	"testing"
)

func TestCheckWebhookURL(t *testing.T) {
	lab := func(host string) bool { return host == "127.0.0.1" }
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://example.webhook.office.com/webhookb2/abc@def/IncomingWebhook/x/y", true},
		{"https://hooks.slack.com/services/T000/B000/XXXX", true},
		{"  https://hooks.example/x  ", true},
		{"http://127.0.0.1:8080/hook", true},
		{"http://hooks.example/x", false},
		{"https://user:pw@hooks.example/x", false},
		{"https://hooks.example/x#frag", false},
		{"ftp://hooks.example/x", false},
		{"https:///nohost", false},
		{"hooks.example/x", false},
		{"", false},
		{"https://" + strings.Repeat("a", 2000) + ".example/", false},
	} {
		_, err := CheckWebhookURL(tc.url, lab)
		if (err == nil) != tc.ok {
			t.Errorf("CheckWebhookURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("CheckWebhookURL(%q): code %q, want invalid", tc.url, ErrorCode(err))
		}
	}
}

func TestRedactWebhookURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://hooks.slack.com/services/T000/B000/XXXX": "https://hooks.slack.com/…",
		"https://outlook.office.com/webhook/x?sig=secret": "https://outlook.office.com/…",
		"https://hooks.example/":                          "https://hooks.example/",
		"http://127.0.0.1:8080":                           "http://127.0.0.1:8080/",
		"::not a url":                                     "(webhook address)",
	} {
		if got := RedactWebhookURL(in); got != want {
			t.Errorf("RedactWebhookURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeNotify(t *testing.T) {
	for in, want := range map[string]string{"": "", " Digest ": NotifyDigest, "IMMEDIATE": NotifyImmediate, "weekly": "!"} {
		got, err := NormalizeNotify(in)
		if want == "!" {
			if ErrorCode(err) != EINVALID {
				t.Errorf("NormalizeNotify(%q) = %q, %v; want invalid", in, got, err)
			}
			continue
		}
		if got != want || err != nil {
			t.Errorf("NormalizeNotify(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzCheckWebhookURL: whatever a person types as a webhook address, the check answers
// without panicking, and what it accepts is an http(s) URL with a host and no
// credentials, whose redacted form keeps no path or query.
func FuzzCheckWebhookURL(f *testing.F) {
	for _, s := range []string{"https://hooks.slack.com/services/T/B/X", "http://127.0.0.1:9/h", "https://u:p@h/",
		"https://[::1]/x", "https://h/%zz", "javascript:alert(1)", "https://h/p?sig=s#f", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := CheckWebhookURL(raw, func(host string) bool { return host == "127.0.0.1" })
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("CheckWebhookURL(%q): %v is not an invalid-input error", raw, err)
			}
			return
		}
		if (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil {
			t.Fatalf("CheckWebhookURL(%q) accepted %v", raw, u)
		}
		red, origin := RedactWebhookURL(u.String()), u.Scheme+"://"+u.Host+"/"
		if red != origin && red != origin+"…" {
			t.Fatalf("RedactWebhookURL(%q) = %q, want %s and at most an ellipsis", u, red, origin)
		}
	})
}
