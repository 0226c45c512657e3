package ioc

import "testing"

// TestDefang: what a mail program would link is written as CERTs write indicators, and
// nothing else in an alert's words changes.
func TestDefang(t *testing.T) {
	for in, want := range map[string]string{
		"What was seen: http://www.oakleigh.example/wp-content/pay-invoice.php appears in": "What was seen: hxxp://www[.]oakleigh[.]example/wp-content/pay-invoice[.]php appears in",
		"HTTPS://Evil.Example:8443/x?y=1.2":                                                "HXXPS://Evil[.]Example:8443/x?y=1.2",
		"ftp://files.bad.example/a":                                                        "fxp://files[.]bad[.]example/a",
		"Your name nhs-payroll-update.example was listed.":                                 "Your name nhs-payroll-update[.]example was listed.",
		"Seen talking to 198.51.100.23, twice.":                                            "Seen talking to 198.51.100.23, twice.",
		"Write to security@oakleigh-house-care-home.example or first.last@trust.example.":  "Write to security@oakleigh-house-care-home.example or first.last@trust.example.",
		"log4j-core 2.17.1 is fixed; 1.5 times; e.g. this; v10.0.0; CVE-2021-44228.":       "log4j-core 2.17.1 is fixed; 1.5 times; e.g. this; v10.0.0; CVE-2021-44228.",
		"hxxp://evil[.]example and 192[.]0[.]2[.]1 stay as they are":                       "hxxp://evil[.]example and 192[.]0[.]2[.]1 stay as they are",
		"2001:db8::1 and a sentence.End":                                                   "2001:db8::1 and a sentence[.]End",
		"":                                                                                 "",
		"www.evil4.xn--p1ai and пример.xn--p1ai":                                           "www[.]evil4[.]xn--p1ai and пример[.]xn--p1ai",
		"see @www.evil.example now":                                                        "see @www[.]evil[.]example now",
		"www.evil.example@ x":                                                              "www[.]evil[.]example@ x",
		"-www.evil.example- and (www.evil.example)":                                        "-www[.]evil[.]example- and (www[.]evil[.]example)",
		"www\u3002evil\u3002example and evil\uff0eexample or evil\uff61example":            "www[.]evil[.]example and evil[.]example or evil[.]example",
		"www.evil.example.2024":                                                            "www[.]evil[.]example[.]2024",
		"https://good.example@evil.example/x.php":                                          "hxxps://good[.]example@evil[.]example/x[.]php",
		"a.very-long-label-of-more-than-sixty-three-characters-which-dns-refuses-but-mail-links.example": "a[.]very-long-label-of-more-than-sixty-three-characters-which-dns-refuses-but-mail-links[.]example",
	} {
		if got := Defang(in); got != want {
			t.Errorf("Defang(%q)\n got %q\nwant %q", in, got, want)
		}
		if got := Defang(Defang(in)); got != Defang(in) {
			t.Errorf("defang is not idempotent on %q: %q", in, got)
		}
	}
}

// FuzzDefang: whatever an alert quotes, no linkable scheme survives, and defanging twice
// changes nothing more.
func FuzzDefang(f *testing.F) {
	for _, s := range []string{"http://evil.example/x", "see www.evil.example.", "a@b.example", "HTTPS://x.y@z.example:1/",
		"пример.рф", "1.2.3.4", "hxxp://evil[.]example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Defang(s)
		if urlPattern.MatchString(d) {
			t.Errorf("Defang(%q) = %q keeps a linkable scheme", s, d)
		}
		if dd := Defang(d); dd != d {
			t.Errorf("defang is not idempotent on %q: %q, then %q", s, d, dd)
		}
	})
}
