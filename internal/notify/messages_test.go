package notify_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/notify"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// People read the messages sent to their organisation with how each e-mail went: the
// sector every one, an organisation its own, a TLP:RED message only those it names, and
// a member only the e-mail to them.
func TestMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		svc := newService(t, s, newClock(), notify.Mail{})
		amber := raise(t, s, alert(trust, "Amber one", vigil.SeverityHigh, vigil.TLPAmber))
		red := raise(t, s, alert(trust, "Red one", vigil.SeverityCritical, vigil.TLPRed))
		theirs := raise(t, s, alert(other, "Theirs", vigil.SeverityHigh, vigil.TLPClear))
		deliver(t, svc)

		// seen is what p reads: each message's alert and its e-mails' recipients.
		type seen struct {
			alert int64
			to    string
		}
		read := func(p vigil.Principal, f vigil.OutboxFilter) ([]seen, error) {
			ms, _, err := svc.Messages(t.Context(), p, f)
			var out []seen
			for _, m := range ms {
				var to []string
				for _, d := range m.Emails {
					if d.Status != vigil.DeliveryDelivered || !strings.HasSuffix(d.File, ".eml") {
						t.Errorf("message %d to %s: %+v, want written to a file", m.ID, d.Recipient, d)
					}
					to = append(to, d.Recipient)
				}
				slices.Sort(to)
				if m.AlertID != 0 {
					out = append(out, seen{m.AlertID, strings.Join(to, " ")})
				}
			}
			return out, err
		}
		var (
			analyst  = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
			orgAdmin = vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: trust}
			ann      = vigil.Principal{Email: "ann@rxa.example", Role: vigil.RoleOrgMember, Org: trust}
			member   = vigil.Principal{Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: trust}
			supStaff = vigil.Principal{Email: "staff@supplier.example", Role: vigil.RoleSupplier, Org: supplier}
		)
		tests := []struct {
			name string
			p    vigil.Principal
			f    vigil.OutboxFilter
			want []seen
			code string
		}{
			{"an analyst reads every organisation's", analyst, vigil.OutboxFilter{Kind: vigil.OutboxImmediate},
				[]seen{{theirs, "dee@rxb.example"}, {red, "admin@rxa.example ann@rxa.example"}, {amber, "ann@rxa.example"}}, ""},
			{"an analyst picks one organisation", analyst, vigil.OutboxFilter{Org: "rxa"},
				[]seen{{red, "admin@rxa.example ann@rxa.example"}, {amber, "ann@rxa.example"}}, ""},
			{"an organisation admin reads its own, the RED one naming it", orgAdmin, vigil.OutboxFilter{},
				[]seen{{red, "admin@rxa.example ann@rxa.example"}, {amber, "ann@rxa.example"}}, ""},
			{"a member named by the RED one sees only the e-mails to her", ann, vigil.OutboxFilter{},
				[]seen{{red, "ann@rxa.example"}, {amber, "ann@rxa.example"}}, ""},
			{"a member the RED one does not name", member, vigil.OutboxFilter{}, []seen{{amber, ""}}, ""},
			{"an organisation naming another", orgAdmin, vigil.OutboxFilter{Org: other}, nil, vigil.ENOTFOUND},
			{"a supplier's staff", supStaff, vigil.OutboxFilter{}, nil, vigil.EFORBIDDEN},
			{"a kind that does not exist", analyst, vigil.OutboxFilter{Kind: "weekly"}, nil, vigil.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := read(tt.p, tt.f)
				if vigil.ErrorCode(err) != tt.code {
					t.Fatalf("err %v, want %q", err, tt.code)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("read %+v, want %+v", got, tt.want)
				}
			})
		}
	})
}

// A new webhook refused for one of its parts says which, so that a form can point at
// the field; the list and one webhook show how its deliveries stand.
func TestWebhookFieldsAndStates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		svc := newService(t, s, newClock(), notify.Mail{})
		srv := startHookServer(t, http.StatusBadGateway)
		var (
			sectorAdmin = vigil.Principal{Email: "admin@centre.example", Role: vigil.RoleSectorAdmin}
			analyst     = vigil.Principal{Email: "analyst@centre.example", Role: vigil.RoleSectorAnalyst}
			orgAdmin    = vigil.Principal{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: trust}
			otherAdmin  = vigil.Principal{Email: "admin@rxb.example", Role: vigil.RoleOrgAdmin, Org: other}
			member      = vigil.Principal{Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: trust}
		)
		refused := []struct {
			name, field string
			p           vigil.Principal
			nw          notify.NewWebhook
		}{
			{"not a URL", "url", orgAdmin, notify.NewWebhook{Kind: vigil.WebhookJSON, URL: "hooks.example"}},
			{"plain http", "url", orgAdmin, notify.NewWebhook{Kind: vigil.WebhookJSON, URL: "http://hooks.example/x"}},
			{"no kind", "kind", orgAdmin, notify.NewWebhook{URL: srv.url}},
			{"a long description", "description", orgAdmin, notify.NewWebhook{Kind: vigil.WebhookJSON, URL: srv.url,
				Description: strings.Repeat("x", 201)}},
			{"a description with a control character", "description", orgAdmin, notify.NewWebhook{Kind: vigil.WebhookJSON,
				URL: srv.url, Description: "a\x00b"}},
			{"another organisation", "org", orgAdmin, notify.NewWebhook{Org: other, Kind: vigil.WebhookJSON, URL: srv.url}},
			{"no such organisation", "org", sectorAdmin, notify.NewWebhook{Org: "RZZ99", Kind: vigil.WebhookJSON, URL: srv.url}},
			{"not an ODS code", "org", sectorAdmin, notify.NewWebhook{Org: "not a code!", Kind: vigil.WebhookJSON, URL: srv.url}},
		}
		for _, tc := range refused {
			_, err := svc.CreateWebhook(t.Context(), tc.p, tc.nw)
			var we *notify.WebhookError
			if !errors.As(err, &we) || we.Field != tc.field || vigil.ErrorMessage(err) == "internal error" {
				t.Errorf("%s: %v, want a WebhookError about the %s", tc.name, err, tc.field)
			}
		}

		own, err := svc.CreateWebhook(t.Context(), orgAdmin, notify.NewWebhook{Kind: vigil.WebhookTeams, URL: srv.url, Description: " IT channel "})
		if err != nil || own.Description != "IT channel" {
			t.Fatalf("created %+v, %v", own, err)
		}
		quiet := hook(t, svc, "", vigil.WebhookJSON, srv.url)
		if st, err := svc.Webhook(t.Context(), orgAdmin, own.ID); err != nil || st.Last.ID != 0 || st.Dead != 0 || st.Secret != "" ||
			strings.Contains(st.URL, "secret-path-part") {
			t.Errorf("a new webhook: %+v, %v; want no deliveries, redacted", st, err)
		}
		d, err := svc.TestWebhook(t.Context(), orgAdmin, own.ID)
		if err != nil || d.Status != vigil.DeliveryDead {
			t.Fatalf("a test answered 502: %+v, %v", d, err)
		}
		st, err := svc.Webhook(t.Context(), analyst, own.ID)
		if err != nil || st.Last.ID != d.ID || st.Last.Status != vigil.DeliveryDead || st.Last.LastStatus != http.StatusBadGateway || st.Dead != 1 {
			t.Errorf("after a failed test: %+v, %v; want its dead ping, one dead", st, err)
		}
		for name, p := range map[string]vigil.Principal{"another organisation's admin": otherAdmin, "a member": member} {
			if _, err := svc.Webhook(t.Context(), p, own.ID); err == nil {
				t.Errorf("%s reads the trust's webhook", name)
			}
		}
		if _, err := svc.Webhook(t.Context(), orgAdmin, quiet.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an organisation admin reading the centre's webhook: %v", err)
		}
		all, err := svc.WebhookStates(t.Context(), sectorAdmin, vigil.WebhookFilter{})
		if err != nil || len(all) != 2 || all[0].ID != quiet.ID || all[0].Last.ID != 0 || all[1].Dead != 1 {
			t.Errorf("the sector admin's list: %+v, %v; want the centre's quiet one, then the trust's with a dead ping", all, err)
		}
		if ws, err := svc.WebhookStates(t.Context(), otherAdmin, vigil.WebhookFilter{}); err != nil || len(ws) != 0 {
			t.Errorf("another organisation's admin lists %+v, %v", ws, err)
		}
	})
}
