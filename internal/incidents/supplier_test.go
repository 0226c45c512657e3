package incidents

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// nobody is the people of an incident in which no address is anybody's account.
func nobody() *people {
	return &people{names: map[string]string{},
		lookup: func(string) (vigil.User, error) { return vigil.User{}, errors.New("no such account") }}
}

// Every way an address is written in a note, an e-mail pasted in or a link copied,
// reaches a supplier as "(an e-mail address)", and a link still shows its site.
func TestScrubHidesEveryAddress(t *testing.T) {
	for text, want := range map[string]string{
		"https://payroll-confirm.example/login?u=carer%40oakleigh-house-care-home.example": "https://payroll-confirm.example/login?u=(an e-mail address)",
		"see https://x.example:8443/u/jane.doe%40oakleigh-house-care-home.example now":     "see https://x.example:8443/u/(an e-mail address) now",
		"https://x.example/?u=jane%2540y.example":                                          "https://x.example/?u=(an e-mail address)",
		"from x@mail_relay.oakleigh.example.":                                              "from (an e-mail address).",
		"bob&alice@oakleigh.example":                                                       "(an e-mail address)",
		"o'brien+it=team/x?y@oakleigh.example":                                             "(an e-mail address)",
		`write to "linda marsh"@oakleigh.example`:                                          "write to (an e-mail address)",
		"manager@[192.0.2.7] and ops@[IPv6:2001:db8::1]":                                   "(an e-mail address) and (an e-mail address)",
		"manager＠oakleigh．example":                                                         "(an e-mail address)",
		"manager@oakleigh\u3002example and ops@oakleigh\uff61example":                      "(an e-mail address) and (an e-mail address)",
		"mailto:sam@rxa.example":                                                           "mailto:(an e-mail address)",
		"Rang at 10:00, no answer.":                                                        "Rang at 10:00, no answer.",
	} {
		if got := nobody().scrub(text); got != want {
			t.Errorf("scrub(%q) = %q, want %q", text, got, want)
		}
	}
}

// An account's address, however written, names its owner as a supplier is told of them.
func TestScrubNamesAccounts(t *testing.T) {
	n := &people{names: map[string]string{}, lookup: func(email string) (vigil.User, error) {
		if email == "manager@rxa.example" {
			return vigil.User{Org: "RXA"}, nil
		}
		return vigil.User{}, errors.New("no such account")
	}, org: "RXA", orgName: "Alder Care Home"}
	text := "Rang manager@rxa.example, https://x.example/?u=manager%40rxa.example, MANAGER＠rxa．example, manager@rxa\u3002example"
	if got, want := n.scrub(text), "Rang Alder Care Home, https://x.example/?u=Alder Care Home, Alder Care Home, Alder Care Home"; got != want {
		t.Errorf("scrub = %q, want %q", got, want)
	}
}

// Whatever a note says, what a supplier reads of it holds no address left to find.
func FuzzScrub(f *testing.F) {
	for _, s := range []string{"bob&alice@x.example", `"a b"@x.example`, "https://h.example/?u=a%40b.example",
		"a@b.example@c.example", "m＠[192.0.2.7]", "x@mail_relay.y.example", "nothing here"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := nobody().scrub(text)
		if m := emailLike.FindString(got); m != "" {
			t.Errorf("scrub(%q) = %q still holds %q", text, got, m)
		}
		if !strings.ContainsAny(text, "@%＠﹫") && got != text {
			t.Errorf("scrub(%q) = %q changed a text without an @", text, got)
		}
	})
}
