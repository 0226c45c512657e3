package earlywarning

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func feedIndicator(t vigil.IndicatorType, value, source string, tlp vigil.TLP, labels ...string) vigil.Indicator {
	return vigil.Indicator{Type: t, Value: value, Provenance: vigil.Provenance{Source: source, TLP: tlp, Confidence: -1, Labels: labels}}
}

func TestFeedOverlapWarnsTheOwners(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		warnSector(t, s)
		clk := &fakeNow{warnNow}
		svc := newWarnService(t, s, clk)
		added := []vigil.Indicator{
			feedIndicator(vigil.TypeIPv4, "192.0.2.7", "abuse.ch Feodo", vigil.TLPGreen, "botnet", "emotet"),
			feedIndicator(vigil.TypeIPv4, "192.0.2.7", "Spamhaus DROP", vigil.TLPAmber, "botnet"),
			feedIndicator(vigil.TypeIPv4, "192.0.2.200", "Blocklist.de", vigil.TLPClear),
			feedIndicator(vigil.TypeDomain, "login.rxb.example", "PhishTank", vigil.TLPClear, "phishing"),
			feedIndicator(vigil.TypeIPv4, "203.0.113.50", "abuse.ch Feodo", vigil.TLPGreen),
			feedIndicator(vigil.TypeSHA256, strings.Repeat("ab", 32), "MalwareBazaar", vigil.TLPClear),
		}
		svc.WarnOnIndicators(t.Context(), added)

		t.Run("an address on two lists is one alert naming both", func(t *testing.T) {
			as := alertsFor(t, s, "RXA", "192.0.2.7")
			if len(as) != 1 {
				t.Fatalf("RXA has %d alerts about 192.0.2.7, want 1", len(as))
			}
			a := as[0]
			if want := "One of your IP addresses, 192.0.2.7, is on the abuse.ch Feodo and Spamhaus DROP lists (botnet, emotet)"; a.Title != want {
				t.Errorf("title %q, want %q", a.Title, want)
			}
			if !slices.Equal(a.Sources, []string{"abuse.ch Feodo", "Spamhaus DROP"}) || a.TLP != vigil.TLPAmber ||
				a.Indicator != "192.0.2.7" || a.Severity != vigil.SeverityHigh || a.Kind != vigil.AlertEarlyWarning {
				t.Errorf("alert %+v: want both sources, the stricter TLP (AMBER), the indicator, high", a)
			}
			for _, want := range []string{"labelled botnet, emotet", "TLP:AMBER", "isolate it from the network"} {
				if !strings.Contains(a.Body, want) {
					t.Errorf("body does not say %q:\n%s", want, a.Body)
				}
			}
		})
		t.Run("an address in a nested range warns every owner whose range holds it", func(t *testing.T) {
			if len(alertsFor(t, s, "RXA", "192.0.2.200")) != 1 || len(alertsFor(t, s, "RXB", "192.0.2.200")) != 1 {
				t.Error("192.0.2.200 is in RXA's /24 and RXB's /25: both should be warned")
			}
		})
		t.Run("a name under a registered domain warns its owner", func(t *testing.T) {
			as := alertsFor(t, s, "RXB", "login.rxb.example")
			if len(as) != 1 || !strings.Contains(as[0].Body, "phishing") || as[0].TLP != vigil.TLPClear {
				t.Errorf("RXB's alerts about login.rxb.example: %+v", as)
			}
		})
		t.Run("nobody else is warned", func(t *testing.T) {
			total := len(alertsOf(t, s, "RXA")) + len(alertsOf(t, s, "RXB")) + len(alertsOf(t, s, "RXC"))
			if total != 4 {
				t.Errorf("%d alerts in all, want 4", total)
			}
		})
		t.Run("MISP taxonomy tags are not what it is listed as", func(t *testing.T) {
			ind := feedIndicator(vigil.TypeDomain, "mail.rxb.example", "TweetFeed", vigil.TLPClear,
				"phishing", "type:OSINT", "tlp:clear", `misp-galaxy:threat-actor="APT28"`, `estimative-language:confidence-in-analytic-judgment="moderate"`)
			svc.WarnOnIndicators(t.Context(), []vigil.Indicator{ind})
			as := alertsFor(t, s, "RXB", "mail.rxb.example")
			if len(as) != 1 {
				t.Fatalf("RXB has %d alerts about mail.rxb.example, want 1", len(as))
			}
			if want := "The domain name mail.rxb.example, part of your registered domains, is on the TweetFeed list (phishing, APT28)"; as[0].Title != want {
				t.Errorf("title %q, want %q", as[0].Title, want)
			}
			if want := "from TweetFeed, labelled phishing, APT28."; !strings.Contains(as[0].Body, want) {
				t.Errorf("body does not say %q:\n%s", want, as[0].Body)
			}
		})
		t.Run("the publisher inside the data is named beside the feed it came through", func(t *testing.T) {
			ind := feedIndicator(vigil.TypeDomain, "portal.rxb.example", "Partner Feed", vigil.TLPGreen, "phishing")
			ind.Provenance.Publisher = "Late Publisher CERT"
			svc.WarnOnIndicators(t.Context(), []vigil.Indicator{ind})
			as := alertsFor(t, s, "RXB", "portal.rxb.example")
			if len(as) != 1 {
				t.Fatalf("RXB has %d alerts about portal.rxb.example, want 1", len(as))
			}
			if want := "from Partner Feed (published by Late Publisher CERT), labelled phishing"; !strings.Contains(as[0].Body, want) {
				t.Errorf("body does not say %q:\n%s", want, as[0].Body)
			}
			if !slices.Equal(as[0].Sources, []string{"Partner Feed"}) || !slices.Equal(as[0].Publishers, []string{"Late Publisher CERT"}) {
				t.Errorf("alert sources %q, publishers %q: want the feed and its publisher apart", as[0].Sources, as[0].Publishers)
			}
		})
		t.Run("a repeat marked more strictly by another list is worded again", func(t *testing.T) {
			svc.WarnOnIndicators(t.Context(), []vigil.Indicator{feedIndicator(vigil.TypeIPv4, "192.0.2.200", "CERT partner", vigil.TLPRed)})
			as := alertsFor(t, s, "RXA", "192.0.2.200")
			if len(as) != 1 || as[0].TLP != vigil.TLPRed || as[0].Count != 2 {
				t.Fatalf("RXA's alerts about 192.0.2.200: %+v, want one, TLP:RED, counted twice", as)
			}
			if want := "One of your IP addresses, 192.0.2.200, is on the Blocklist.de and CERT partner lists"; as[0].Title != want {
				t.Errorf("title %q, want %q", as[0].Title, want)
			}
			for _, want := range []string{"from Blocklist.de, CERT partner", "TLP:RED", "named recipients"} {
				if !strings.Contains(as[0].Body, want) {
					t.Errorf("body does not say %q:\n%s", want, as[0].Body)
				}
			}
			if strings.Contains(as[0].Body, "TLP:CLEAR") {
				t.Errorf("body still says TLP:CLEAR:\n%s", as[0].Body)
			}
		})
		t.Run("the same indicator again the same day is a repeat, the next day a new alert", func(t *testing.T) {
			svc.WarnOnIndicators(t.Context(), added[:1])
			if as := alertsFor(t, s, "RXA", "192.0.2.7"); len(as) != 1 || as[0].Count != 2 {
				t.Fatalf("after the same day's repeat: %+v, want one alert counted twice", as)
			}
			clk.advance(24 * time.Hour)
			svc.WarnOnIndicators(t.Context(), added[:1])
			if as := alertsFor(t, s, "RXA", "192.0.2.7"); len(as) != 2 {
				t.Fatalf("the next day RXA has %d alerts about 192.0.2.7, want 2", len(as))
			}
		})
	})
}

func TestFeedAlertSeverity(t *testing.T) {
	tests := []struct {
		name string
		e    alerts.Listing
		want vigil.Severity
	}{
		{"an address, confidence unstated", alerts.Listing{Type: vigil.TypeIPv4, Value: "192.0.2.7", Confidence: -1}, vigil.SeverityHigh},
		{"an address, sure", alerts.Listing{Type: vigil.TypeIPv4, Value: "192.0.2.7", Confidence: 90}, vigil.SeverityHigh},
		{"an address, unsure", alerts.Listing{Type: vigil.TypeIPv4, Value: "192.0.2.7", Confidence: 30}, vigil.SeverityMedium},
		{"a whole network", alerts.Listing{Type: vigil.TypeCIDR, Value: "192.0.2.0/23", Confidence: -1}, vigil.SeverityMedium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := feedAlert("RXA", &tt.e, warnNow).Alert.Severity; got != tt.want {
				t.Errorf("severity %s, want %s", got, tt.want)
			}
		})
	}
}

// alertsFor returns org's alerts about an observable.
func alertsFor(t testing.TB, s *store.Store, org, obs string) []vigil.Alert {
	var out []vigil.Alert
	for _, a := range alertsOf(t, s, org) {
		if a.Observable == obs {
			out = append(out, a)
		}
	}
	return out
}
