package pages_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestDemoFillsThePages checks that someone trying the demo finds something on the pages
// that would otherwise be empty: claims waiting for the analyst, one of them overlapping
// a GP practice's network; a phishing site seen by three of the supplier's care homes as
// one problem; and the trust's alerts, one being dealt with and one resolved with its note.
func TestDemoFillsThePages(t *testing.T) {
	s := demoSite(t)
	centre := s.signIn(analyst)
	if p := centre.get("/orgs/assets/pending"); cardOf(p.body, "claim", "198.51.100.176/29") == nil ||
		!strings.Contains(card(p.body, "claim", "192.0.2.136/29"), "Y90002 and R9A both claim 192.0.2.136/29") {
		t.Errorf("pending claims: want the trust's two, one overlapping Castle Street Medical Centre\n%s", p.body)
	}
	if p := centre.get("/orgs/overlaps"); cardOf(p.body, "overlap", "192.0.2.136/29") == nil {
		t.Errorf("overlaps to decide: want the trust's claim of the practice's network\n%s", p.body)
	}

	if p := s.signIn(supplier).get("/"); p.status != http.StatusOK ||
		!p.has("nhs-payroll-update.example, seen in their systems — 3 customers", "Hawthorn Gardens Care Home", "Silverbirch Care Home") {
		t.Errorf("supplier home: want the payroll phishing site grouped across 3 care homes\n%s", p.body)
	}

	trust := s.signIn(trustAdmin)
	if p := trust.get("/alerts?status=acknowledged"); !p.has("192.0.2.10") {
		t.Errorf("the trust's acknowledged alerts: want the one about 192.0.2.10\n%s", p.body)
	}
	p := trust.get("/alerts?status=resolved")
	m := regexp.MustCompile(`href="(/alerts/\d+)"`).FindStringSubmatch(p.body)
	if m == nil || !p.has("192.0.2.7") {
		t.Fatalf("the trust's resolved alerts: want the one about 192.0.2.7\n%s", p.body)
	}
	if a := trust.get(m[1]); !a.has("Resolved", "guest Wi-Fi gateway", "by "+trustAdmin) {
		t.Errorf("the resolved alert: want its note and who resolved it\n%s", a.body)
	}
}

// cardRE finds where each card of a list of claims or overlaps starts.
var cardRE = regexp.MustCompile(`<div class="nhsuk-card" id="(claim|overlap)-(\d+)">`)

// cardOf is, like a regexp's submatches, the opening tag and the id of the first card of
// kind (claim or overlap) on the page whose markup holds text; nil when none does.
func cardOf(body, kind, text string) []string {
	starts := cardRE.FindAllStringSubmatchIndex(body, -1)
	for i, st := range starts {
		end := len(body)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		if body[st[2]:st[3]] == kind && strings.Contains(body[st[0]:end], text) {
			return []string{body[st[0]:st[1]], body[st[4]:st[5]]}
		}
	}
	return nil
}

// card is the markup of the first card of kind holding text, or "".
func card(body, kind, text string) string {
	m := cardOf(body, kind, text)
	if m == nil {
		return ""
	}
	from := strings.Index(body, m[0])
	rest := body[from+len(m[0]):]
	if next := cardRE.FindStringIndex(rest); next != nil {
		rest = rest[:next[0]]
	}
	return m[0] + rest
}

// rowOf is the markup of the first table row whose first cell starts with text, or "".
func rowOf(body, text string) string {
	re := regexp.MustCompile(`(?s)<tr class="nhsuk-table__row">\s*<td class="nhsuk-table__cell[^"]*">` + regexp.QuoteMeta(text) + `[<\s].*?</tr>`)
	return re.FindString(body)
}
