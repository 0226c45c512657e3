package vigil_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// message is the user-facing message of err, "" for nil.
func message(err error) string {
	if err == nil {
		return ""
	}
	return vigil.ErrorMessage(err)
}

func TestAlertCheckMove(t *testing.T) {
	resolved := vigil.Alert{ID: 7, Status: vigil.AlertResolved, ResolvedBy: "ann@trust.example", ResolvedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name  string
		from  vigil.Alert
		to    vigil.AlertStatus
		moved bool
		msg   string
	}{
		{name: "open to acknowledged", from: vigil.Alert{Status: vigil.AlertOpen}, to: vigil.AlertAcknowledged, moved: true},
		{name: "open to resolved", from: vigil.Alert{Status: vigil.AlertOpen}, to: vigil.AlertResolved, moved: true},
		{name: "acknowledged to resolved", from: vigil.Alert{Status: vigil.AlertAcknowledged}, to: vigil.AlertResolved, moved: true},
		{name: "acknowledging twice changes nothing", from: vigil.Alert{Status: vigil.AlertAcknowledged}, to: vigil.AlertAcknowledged},
		{name: "resolved cannot be acknowledged", from: resolved, to: vigil.AlertAcknowledged, msg: "alert 7 was resolved by ann@trust.example on 1 March 2026, so it cannot be acknowledged"},
		{name: "resolved cannot be resolved again", from: resolved, to: vigil.AlertResolved, msg: "alert 7 was already resolved by ann@trust.example on 1 March 2026"},
		{name: "nothing goes back to open", from: vigil.Alert{ID: 3, Status: vigil.AlertAcknowledged}, to: vigil.AlertOpen, msg: "alert 3 is acknowledged and cannot become open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			moved, err := tc.from.CheckMove(tc.to)
			if moved != tc.moved || message(err) != tc.msg {
				t.Errorf("CheckMove = %v, %q; want %v, %q", moved, message(err), tc.moved, tc.msg)
			}
			if err != nil && vigil.ErrorCode(err) != vigil.ECONFLICT {
				t.Errorf("code %s, want conflict", vigil.ErrorCode(err))
			}
			if tc.moved && !slices.Contains(tc.to.From(), tc.from.Status) {
				t.Errorf("%s.From() = %v misses %s", tc.to, tc.to.From(), tc.from.Status)
			}
		})
	}
}

func TestAlertMerge(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	a := vigil.Alert{Status: vigil.AlertResolved, Title: "first words", Severity: vigil.SeverityMedium, Count: 2,
		Sources: []string{"A"}, Publishers: []string{"CIRCL"}, FirstSeen: day(5), LastSeen: day(6)}
	a.Merge(vigil.Alert{Title: "other words", Severity: vigil.SeverityHigh, Count: 3, Sources: []string{"B", "A", " "},
		Publishers: []string{" NCSC ", "CIRCL", ""}, FirstSeen: day(4), LastSeen: day(9)})
	want := vigil.Alert{Status: vigil.AlertResolved, Title: "first words", Severity: vigil.SeverityHigh, Count: 5,
		Sources: []string{"A", "B"}, Publishers: []string{"CIRCL", "NCSC"}, FirstSeen: day(4), LastSeen: day(9)}
	if a.Status != want.Status || a.Title != want.Title || a.Severity != want.Severity || a.Count != want.Count ||
		!slices.Equal(a.Sources, want.Sources) || !slices.Equal(a.Publishers, want.Publishers) ||
		!a.FirstSeen.Equal(want.FirstSeen) || !a.LastSeen.Equal(want.LastSeen) {
		t.Errorf("merged = %+v, want %+v", a, want)
	}
	a.Merge(vigil.Alert{Severity: vigil.SeverityLow})
	if a.Severity != vigil.SeverityHigh || a.Count != 6 {
		t.Errorf("a lower repeat lowered severity or counted %d", a.Count)
	}
}

// A repeat carries the strictest TLP of everything merged into it, whichever came
// first, and asks to be worded again when its marking or its sources changed.
func TestAlertMergeTLP(t *testing.T) {
	markings := []vigil.TLP{"", vigil.TLPClear, vigil.TLPGreen, vigil.TLPAmber, vigil.TLPAmberStrict, vigil.TLPRed}
	for _, first := range markings {
		for _, then := range markings {
			t.Run(fmt.Sprintf("%s then %s", orUnmarked(first), orUnmarked(then)), func(t *testing.T) {
				a := vigil.Alert{TLP: first, Sources: []string{"A"}, Title: "first words"}
				reword := a.Merge(vigil.Alert{TLP: then, Sources: []string{"A"}, Title: "other words"})
				want := first
				if then.Rank() > first.Rank() {
					want = then
				}
				if a.TLP != want {
					t.Errorf("merged TLP %q, want %q", a.TLP, want)
				}
				if reword != (want != first) {
					t.Errorf("reword = %v, want %v (the marking went from %q to %q)", reword, want != first, first, a.TLP)
				}
				if a.Title != "first words" {
					t.Errorf("Merge rewrote the title to %q: wording is the raiser's", a.Title)
				}
			})
		}
	}
	t.Run("a new source asks for new words", func(t *testing.T) {
		a := vigil.Alert{TLP: vigil.TLPAmber, Sources: []string{"A"}}
		if !a.Merge(vigil.Alert{TLP: vigil.TLPAmber, Sources: []string{"B"}}) {
			t.Error("a repeat adding source B did not ask to be reworded")
		}
	})
	t.Run("a new publisher asks for new words", func(t *testing.T) {
		a := vigil.Alert{TLP: vigil.TLPAmber, Sources: []string{"A"}, Publishers: []string{"CIRCL"}}
		if !a.Merge(vigil.Alert{TLP: vigil.TLPAmber, Sources: []string{"A"}, Publishers: []string{"NCSC"}}) {
			t.Error("a repeat adding publisher NCSC did not ask to be reworded")
		}
		if a.Merge(vigil.Alert{TLP: vigil.TLPAmber, Sources: []string{"A"}, Publishers: []string{"NCSC"}}) {
			t.Error("a repeat adding nothing asked to be reworded")
		}
	})
}

func orUnmarked(t vigil.TLP) string {
	if t == "" {
		return "unmarked"
	}
	return string(t)
}

func TestNewAlert(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ok := vigil.Alert{Org: " rxa ", Kind: vigil.AlertSighting, Severity: vigil.SeverityHigh, Title: " Seen ", Sources: []string{"A", "A", ""},
		Publishers: []string{" CIRCL", "CIRCL ", " "}}
	got, err := vigil.NewAlert(ok, now)
	if err != nil || got.Org != "RXA" || got.Title != "Seen" || got.Status != vigil.AlertOpen || got.Count != 1 ||
		!slices.Equal(got.Sources, []string{"A"}) || !slices.Equal(got.Publishers, []string{"CIRCL"}) || !got.FirstSeen.Equal(now) || !got.LastSeen.Equal(now) {
		t.Fatalf("NewAlert = %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name string
		edit func(*vigil.Alert)
		msg  string
	}{
		{name: "kind", edit: func(a *vigil.Alert) { a.Kind = "rumour" }, msg: `alert kind "rumour" is not one of early_warning, sighting, retro_hunt, vulnerability`},
		{name: "severity", edit: func(a *vigil.Alert) { a.Severity = "grave" }, msg: `severity "grave" is not one of low, medium, high, critical`},
		{name: "tlp", edit: func(a *vigil.Alert) { a.TLP = "PINK" }, msg: `TLP "PINK" is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED`},
		{name: "title", edit: func(a *vigil.Alert) { a.Title = " " }, msg: "title is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			tc.edit(&a)
			if _, err := vigil.NewAlert(a, now); message(err) != tc.msg || vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("error %q, want invalid %q", vigil.ErrorMessage(err), tc.msg)
			}
		})
	}
}

func TestAudience(t *testing.T) {
	sector := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleSectorAnalyst}, nil)
	member := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleOrgMember, Org: "RXA"}, []string{"IGNORED"})
	supplier := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleSupplier, Org: "SUP"}, []string{"VN2", "VN1"})
	admin := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleOrgAdmin, Org: "RXA"}, nil)
	named := member
	named.NotNamed = false // what store.Audience does for a member named among the contacts
	if !member.NotNamed || admin.NotNamed || supplier.NotNamed || sector.NotNamed {
		t.Error("only an organisation member starts not named")
	}
	for _, tc := range []struct {
		name string
		aud  vigil.Audience
		org  string
		tlp  vigil.TLP
		want bool
	}{
		{name: "sector sees a RED alert anywhere", aud: sector, org: "RXB", tlp: vigil.TLPRed, want: true},
		{name: "member not named does not see its own RED alert", aud: member, org: "RXA", tlp: vigil.TLPRed},
		{name: "member not named sees its own AMBER+STRICT alert", aud: member, org: "RXA", tlp: vigil.TLPAmberStrict, want: true},
		{name: "member named as a contact sees its own RED alert", aud: named, org: "RXA", tlp: vigil.TLPRed, want: true},
		{name: "admin sees its own RED alert", aud: admin, org: "RXA", tlp: vigil.TLPRed, want: true},
		{name: "member does not see another organisation", aud: member, org: "RXB", tlp: vigil.TLPClear},
		{name: "member is no supplier", aud: member, org: "IGNORED", tlp: vigil.TLPClear},
		{name: "supplier sees a customer's AMBER alert", aud: supplier, org: "VN1", tlp: vigil.TLPAmber, want: true},
		{name: "supplier does not see a customer's AMBER+STRICT alert", aud: supplier, org: "VN2", tlp: vigil.TLPAmberStrict},
		{name: "supplier does not see a customer's RED alert", aud: supplier, org: "VN1", tlp: vigil.TLPRed},
		{name: "supplier sees its own RED alert", aud: supplier, org: "SUP", tlp: vigil.TLPRed, want: true},
		{name: "supplier does not see a stranger", aud: supplier, org: "RXA", tlp: vigil.TLPClear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.aud.Sees(tc.org, tc.tlp); got != tc.want {
				t.Errorf("Sees(%s, %s) = %v, want %v", tc.org, tc.tlp, got, tc.want)
			}
		})
	}
	if got := supplier.Orgs(); !slices.Equal(got, []string{"SUP", "VN1", "VN2"}) {
		t.Errorf("supplier.Orgs() = %v", got)
	}
	if !supplier.SeesOrg("VN2") || member.SeesOrg("RXB") || !sector.SeesOrg("ANY") {
		t.Error("SeesOrg disagrees with the rule")
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, msg string
		max                 int
		required            bool
	}{
		{name: "trimmed", in: "  Ann Smith ", want: "Ann Smith", max: 20},
		{name: "required and empty", in: "  ", msg: "name is required", max: 20, required: true},
		{name: "optional and empty", in: "", want: "", max: 20},
		{name: "too long", in: "abcdef", msg: "name is longer than 5 characters", max: 5},
		{name: "line breaks and tabs kept", in: "line one\r\nline two\tend", want: "line one\r\nline two\tend", max: 100},
		{name: "NUL", in: "Ann\x00Smith", msg: "name contains a control character (U+0000 at byte 3): remove it", max: 20},
		{name: "escape", in: "Ann\x1b[31m", msg: "name contains a control character (U+001B at byte 3): remove it", max: 20},
		{name: "delete", in: "Ann\x7f", msg: "name contains a control character (U+007F at byte 3): remove it", max: 20},
		{name: "C1 control", in: "Ann\u0085Smith", msg: "name contains a control character (U+0085 at byte 3): remove it", max: 20},
		{name: "not UTF-8", in: "Ann\xff", msg: "name is not valid UTF-8 text", max: 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := vigil.Text("name", tc.in, tc.max, tc.required)
			if got != tc.want || message(err) != tc.msg {
				t.Errorf("Text(%q) = %q, %q; want %q, %q", tc.in, got, message(err), tc.want, tc.msg)
			}
			if err != nil && vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code %s, want invalid", vigil.ErrorCode(err))
			}
		})
	}
}

func TestAudiencePickOrg(t *testing.T) {
	sector := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleSectorAnalyst}, nil)
	supplier := vigil.AudienceOf(vigil.Principal{Role: vigil.RoleSupplier, Org: "SUP"}, []string{"VN1"})
	for _, tc := range []struct {
		name, ods, want, msg string
		aud                  vigil.Audience
	}{
		{name: "no organisation asked for", aud: supplier},
		{name: "sector passes any code", aud: sector, ods: "zzz", want: "zzz"},
		{name: "supplier names a customer", aud: supplier, ods: " vn1", want: "VN1"},
		{name: "supplier names a stranger", aud: supplier, ods: "rxa", msg: "no organisation RXA"},
		{name: "supplier names no code at all", aud: supplier, ods: "!", msg: `no organisation "!"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.aud.PickOrg(tc.ods)
			if got != tc.want || message(err) != tc.msg || err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("PickOrg(%q) = %q, %v; want %q, %q", tc.ods, got, err, tc.want, tc.msg)
			}
		})
	}
}
