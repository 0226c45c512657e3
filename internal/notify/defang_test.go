package notify

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
	} {
		if got := defang(in); got != want {
			t.Errorf("defang(%q)\n got %q\nwant %q", in, got, want)
		}
		if got := defang(defang(in)); got != defang(in) {
			t.Errorf("defang is not idempotent on %q: %q", in, got)
		}
	}
}
