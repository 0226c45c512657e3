package vigil_test

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// An error that quotes what a source sent back (a Location header echoing the request's
// query, say) reads without the URL's secrets, whatever form they are quoted in, and
// still is the failure it wraps; an error that quotes none is returned as it is.
func TestHideSecrets(t *testing.T) {
	u, _ := url.Parse("https://soc:pa55-word@partner.example/list.txt?apikey=k3y%2Fvalue&fmt=csv;sig=SIGNED#frag-SEKRIT")
	secrets := vigil.URLSecrets(u)
	tests := []struct{ name, text, want string }{
		{"a Location that does not parse", `failed to parse Location header "https://cdn .example/x?apikey=k3y%2Fvalue": bad`,
			`failed to parse Location header "https://cdn .example/x?apikey=…": bad`},
		{"the key decoded", "header line: X-Echo: k3y/value", "header line: X-Echo: …"},
		{"a password", "user soc:pa55-word refused", "user soc:… refused"},
		{"another URL with a query", `redirected to "https://s3.example/b?X-Amz-Signature=abc123" failed`,
			`redirected to "https://s3.example/b?…" failed`},
		{"a semicolon parameter and the fragment", "got SIGNED and frag-SEKRIT", "got … and …"},
		{"a short value stays", "format csv unknown", "format csv unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := errors.Join(errors.New(tt.text), io.ErrUnexpectedEOF)
			err := vigil.HideSecrets(inner, secrets)
			got, _, _ := strings.Cut(err.Error(), "\n")
			if got != tt.want {
				t.Errorf("HideSecrets(%q) = %q, want %q", tt.text, got, tt.want)
			}
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("HideSecrets lost the failure it wraps: %v", err)
			}
			if got == tt.text && err != inner {
				t.Errorf("HideSecrets changed an error that quotes no secret")
			}
		})
	}
	if vigil.HideSecrets(nil, secrets) != nil {
		t.Error("HideSecrets(nil) is not nil")
	}
}
