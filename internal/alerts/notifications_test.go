package alerts_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		ids := map[string]int64{}
		for _, e := range []struct {
			name, org string
			kind      vigil.OutboxKind
			to        []string
		}{
			{"own immediate", ownOrg, vigil.OutboxImmediate, nil},
			{"own digest", ownOrg, vigil.OutboxDigest, nil},
			{"other immediate", otherOrg, vigil.OutboxImmediate, nil},
			{"supplier's digest", supOrg, vigil.OutboxDigest, nil},
			{"own named", ownOrg, vigil.OutboxImmediate, []string{"admin@rxa.example", "DPO@rxa.example"}},
		} {
			id, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: e.org, Kind: e.kind, Subject: e.name, Body: "Details.",
				Recipients: e.to, DedupKey: e.name})
			if err != nil {
				t.Fatal(err)
			}
			ids[e.name] = id
		}
		if err := s.MarkOutboxSent(ctx, ids["own immediate"]); err != nil {
			t.Fatal(err)
		}
		own := []string{"own named", "own digest", "own immediate"}
		for _, tc := range []struct {
			name    string
			who     vigil.Principal
			f       vigil.OutboxFilter
			want    []string
			wantErr string
			wantMsg string
		}{
			{"sector admin reads every organisation's, newest first", sectorAdmin, vigil.OutboxFilter{},
				[]string{"own named", "supplier's digest", "other immediate", "own digest", "own immediate"}, "", ""},
			{"sector analyst names an organisation", sectorAnalyst, vigil.OutboxFilter{Org: "rxb"}, []string{"other immediate"}, "", ""},
			{"sector names an unknown organisation", sectorAdmin, vigil.OutboxFilter{Org: "ZZZ"}, nil, "", ""},
			{"org admin reads its own", orgAdmin, vigil.OutboxFilter{}, own, "", ""},
			{"org member reads its own, pending only", orgMember, vigil.OutboxFilter{Pending: true}, []string{"own digest"}, "", ""},
			{"org member not named reads its own immediate messages but the named ones", orgMember, vigil.OutboxFilter{Kind: vigil.OutboxImmediate}, []string{"own immediate"}, "", ""},
			{"org member named reads the message that names it", namedMember, vigil.OutboxFilter{Kind: vigil.OutboxImmediate}, []string{"own named", "own immediate"}, "", ""},
			{"org admin names its own organisation", orgAdmin, vigil.OutboxFilter{Org: "rxa "}, own, "", ""},
			{"org admin may not name another organisation", orgAdmin, vigil.OutboxFilter{Org: "RXB"}, nil, vigil.ENOTFOUND, "no organisation RXB"},
			{"org member names a code that is not one", orgMember, vigil.OutboxFilter{Org: "!"}, nil, vigil.ENOTFOUND, `no organisation "!"`},
			{"other org admin reads its own", otherAdmin, vigil.OutboxFilter{}, []string{"other immediate"}, "", ""},
			{"supplier may not read notifications", supplier, vigil.OutboxFilter{}, nil, vigil.EFORBIDDEN, ""},
			{"supplier may not read a customer's", supplier, vigil.OutboxFilter{Org: ownOrg}, nil, vigil.EFORBIDDEN, ""},
			{"sensor may not read notifications", sensor, vigil.OutboxFilter{}, nil, vigil.EFORBIDDEN, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				es, next, err := f.svc.Notifications(ctx, tc.who, tc.f)
				checkErr(t, err, tc.wantErr, tc.wantMsg)
				var got, want []int64
				for _, e := range es {
					got = append(got, e.ID)
				}
				for _, n := range tc.want {
					want = append(want, ids[n])
				}
				if !slices.Equal(got, want) || next != "" {
					t.Errorf("got %v (next %q); want %v (%v)", got, next, want, tc.want)
				}
			})
		}
	})
}

// An immediate message about a TLP:RED or TLP:AMBER+STRICT alert names its recipients,
// the organisation's administrators and named contacts, and says so; others go to
// everyone.
func TestRaiseNamesTheRecipientsOfRed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		for _, nu := range []vigil.NewUser{
			{Email: "admin@rxa.example", Role: vigil.RoleOrgAdmin, Org: ownOrg},
			{Email: "member@rxa.example", Role: vigil.RoleOrgMember, Org: ownOrg},
			{Email: "admin@rxb.example", Role: vigil.RoleOrgAdmin, Org: otherOrg},
		} {
			nu.Name, nu.Password = nu.Email, "a long enough password for the test"
			if _, err := s.CreateUser(ctx, nu); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			tlp  vigil.TLP
			want []string
		}{
			{vigil.TLPRed, []string{"admin@rxa.example", "dpo@rxa.example"}},
			{vigil.TLPAmberStrict, []string{"admin@rxa.example", "dpo@rxa.example"}},
			{vigil.TLPAmber, nil},
			{vigil.TLPClear, nil},
			{"", nil},
		} {
			t.Run(string(tc.tlp), func(t *testing.T) {
				var id int64
				err := s.Tx(ctx, func(tx *store.Store) (err error) {
					id, _, err = f.svc.Raise(ctx, tx, alerts.Raising{Alert: vigil.Alert{Org: ownOrg, Kind: vigil.AlertEarlyWarning,
						Severity: vigil.SeverityCritical, Title: "Marked " + string(tc.tlp), Body: "Details.", TLP: tc.tlp,
						DedupKey: "named|" + string(tc.tlp)}})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				es, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: ownOrg, Kind: vigil.OutboxImmediate})
				if err != nil || len(es) == 0 || es[0].AlertID != id {
					t.Fatalf("no immediate message for alert %d: %v %v", id, es, err)
				}
				if !slices.Equal(es[0].Recipients, tc.want) {
					t.Errorf("recipients %v, want %v", es[0].Recipients, tc.want)
				}
				if says := strings.Contains(es[0].Body, "sent only to your organisation's administrators and named contacts"); says != (tc.want != nil) {
					t.Errorf("body says it is for named recipients: %v, want %v:\n%s", says, tc.want != nil, es[0].Body)
				}
			})
		}
		t.Run("a repeat marked RED narrows the message not yet sent", func(t *testing.T) {
			words := func(a vigil.Alert) (string, string) { return "Now marked " + string(a.TLP), alerts.Sharing(a.TLP) }
			raise := func(tlp vigil.TLP) int64 {
				var id int64
				err := s.Tx(ctx, func(tx *store.Store) (err error) {
					id, _, err = f.svc.Raise(ctx, tx, alerts.Worded(vigil.Alert{Org: ownOrg, Kind: vigil.AlertEarlyWarning,
						Severity: vigil.SeverityHigh, TLP: tlp, DedupKey: "narrowed"}, words))
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			id := raise(vigil.TLPGreen)
			raise(vigil.TLPRed)
			es, _, err := s.ListOutbox(ctx, vigil.OutboxFilter{Org: ownOrg, Kind: vigil.OutboxImmediate})
			if err != nil || len(es) == 0 || es[0].AlertID != id {
				t.Fatalf("no immediate message for alert %d: %v %v", id, es, err)
			}
			m := es[0]
			if !slices.Equal(m.Recipients, []string{"admin@rxa.example", "dpo@rxa.example"}) ||
				!strings.Contains(m.Subject, "Now marked RED") || !strings.Contains(m.Body, "TLP:RED") || strings.Contains(m.Body, "GREEN") {
				t.Errorf("the waiting message was not narrowed and reworded: %+v", m)
			}
		})
	})
}
