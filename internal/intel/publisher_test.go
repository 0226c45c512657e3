package intel

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

func TestCleanPublisher(t *testing.T) {
	long := strings.Repeat("a", 20_000)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Partner CERT", "Partner CERT"},
		{"NUL dropped", "Nul\x00Org", "NulOrg"},
		{"control characters dropped", "A\x07B\x1b[31mC\x7f", "AB[31mC"},
		{"line breaks and tabs are whitespace", "Partner\r\nCERT\tTeam", "Partner CERT Team"},
		{"whitespace collapsed and trimmed", "  Partner \u00a0\u2003 CERT  \u2028", "Partner CERT"},
		{"bidi override dropped", "evil\u202eTREC", "evilTREC"},
		{"bidi isolates and marks dropped", "\u2066A\u2069\u200fB\u061c", "AB"},
		{"zero-width and byte order mark dropped", "\ufeffA\u200bB\u200d", "AB"},
		{"invalid UTF-8 shown as such", "A\xffB", "A\uFFFDB"},
		{"non-ASCII kept", "Agence nationale de la sécurité — ANSSI", "Agence nationale de la sécurité — ANSSI"},
		{"nothing left is no publisher", "\x00\u202e \t", ""},
		{"long name cut", long, strings.Repeat("a", maxPublisher-1) + "…"},
		{"exactly the cap kept", long[:maxPublisher], long[:maxPublisher]},
		{"cut on a rune boundary", strings.Repeat("é", 300), strings.Repeat("é", maxPublisher-1) + "…"},
		{"cut with a pending space", long[:maxPublisher-1] + " b", long[:maxPublisher-1] + "…"},
		{"cut after a space", long[:maxPublisher-2] + " bc", long[:maxPublisher-2] + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cleanPublisher(tt.in)
			if got != tt.want {
				t.Errorf("cleanPublisher(%.40q) = %.60q, want %.60q", tt.in, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > maxPublisher || !utf8.ValidString(got) {
				t.Errorf("%d characters, valid UTF-8 %v", n, utf8.ValidString(got))
			}
		})
	}
}

// TestPublisherFromData: the publisher a STIX identity or MISP organisation names is
// cleaned as it enters, and one the data never names is no publisher. The source stays
// the feed's name whoever published: the feed is how the indicator came.
func TestPublisherFromData(t *testing.T) {
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	identity := func(id, name string) string {
		return `{"type": "identity", "id": "identity--` + id + `", "name": ` + quote(name) + `}`
	}
	indicator := func(creator string) string {
		return stixIndicator("1", "[domain-name:value = 'a.example']", `"created_by_ref": "identity--`+creator+`"`)
	}
	misp := func(orgc, org string) string {
		return `{"Event":{"Orgc":{"name":` + quote(orgc) + `},"Org":{"name":` + quote(org) + `},"Attribute":[` + mispAttr("a.example") + `]}}`
	}
	tests := []struct {
		name, format, in, publisher string
	}{
		{"STIX identity with a NUL", "stix", stixBundle(identity("x", "Nul\x00Org"), indicator("x")), "NulOrg"},
		{"STIX identity after the indicator", "stix", stixBundle(indicator("x"), identity("x", "Late\u202eOrg\n")), "LateOrg"},
		{"STIX identity of only controls", "stix", stixBundle(identity("x", "\u202e\x00"), indicator("x")), ""},
		{"STIX creator never defined", "stix", stixBundle(indicator("0f04")), ""},
		{"STIX creator defined for another", "stix", stixBundle(identity("y", "Other"), indicator("0f04")), ""},
		{"MISP Orgc with a NUL", "misp", misp("Nul\x00Org", "Host"), "NulOrg"},
		{"MISP Orgc of only controls falls back to Org", "misp", misp("\x00\u202e", " Host\tOrg "), "Host Org"},
		{"MISP long Orgc", "misp", misp(strings.Repeat("x", 20_000), ""), strings.Repeat("x", maxPublisher-1) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []vigil.Indicator
			s := NewSink(Options{Now: stixNow, Source: "the feed"}, &Report{}, func(ind vigil.Indicator) { got = append(got, ind) })
			var err error
			if tt.format == "stix" {
				err = ParseSTIX(strings.NewReader(tt.in), "test.json", s)
			} else {
				err = ParseMISP(strings.NewReader(tt.in), "test.json", s)
			}
			if err != nil || len(got) != 1 {
				t.Fatalf("parsed %d indicators, error %v; want 1", len(got), err)
			}
			if p := got[0].Provenance; p.Publisher != tt.publisher || p.Source != "the feed" {
				t.Errorf("publisher %.40q source %.40q, want %.40q and the feed", p.Publisher, p.Source, tt.publisher)
			}
		})
	}
}

// FuzzCleanPublisher: whatever the name, the result is valid UTF-8 within the cap, holds
// no control or formatting character, no run of spaces nor space at either end, and
// cleaning it again changes nothing.
func FuzzCleanPublisher(f *testing.F) {
	for _, s := range []string{"Partner CERT", "Nul\x00Org", "evil\u202eTREC", " a \n\t b ", "\xff\xfe", strings.Repeat("é ", 150)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanPublisher(s)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > maxPublisher {
			t.Fatalf("cleanPublisher(%q) = %q: invalid or too long", s, got)
		}
		if strings.IndexFunc(got, func(r rune) bool {
			return unicode.IsControl(r) || unicode.In(r, unicode.Cf) || unicode.IsSpace(r) && r != ' '
		}) >= 0 || strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("cleanPublisher(%q) = %q: holds a control, format or stray space character", s, got)
		}
		if again := cleanPublisher(got); again != got {
			t.Fatalf("cleaning %q again gave %q", got, again)
		}
	})
}
