package alerts_test

import (
	"context"
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
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
		}{
			{"own immediate", ownOrg, vigil.OutboxImmediate},
			{"own digest", ownOrg, vigil.OutboxDigest},
			{"other immediate", otherOrg, vigil.OutboxImmediate},
			{"supplier's digest", supOrg, vigil.OutboxDigest},
		} {
			id, _, err := s.AddOutbox(ctx, vigil.OutboxEntry{Org: e.org, Kind: e.kind, Subject: e.name, Body: "Details.", DedupKey: e.name})
			if err != nil {
				t.Fatal(err)
			}
			ids[e.name] = id
		}
		if err := s.MarkOutboxSent(ctx, ids["own immediate"]); err != nil {
			t.Fatal(err)
		}
		own := []string{"own digest", "own immediate"}
		for _, tc := range []struct {
			name    string
			who     vigil.Principal
			f       vigil.OutboxFilter
			want    []string
			wantErr string
			wantMsg string
		}{
			{"sector admin reads every organisation's, newest first", sectorAdmin, vigil.OutboxFilter{},
				[]string{"supplier's digest", "other immediate", "own digest", "own immediate"}, "", ""},
			{"sector analyst names an organisation", sectorAnalyst, vigil.OutboxFilter{Org: "rxb"}, []string{"other immediate"}, "", ""},
			{"sector names an unknown organisation", sectorAdmin, vigil.OutboxFilter{Org: "ZZZ"}, nil, "", ""},
			{"org admin reads its own", orgAdmin, vigil.OutboxFilter{}, own, "", ""},
			{"org member reads its own, pending only", orgMember, vigil.OutboxFilter{Pending: true}, []string{"own digest"}, "", ""},
			{"org member reads its own immediate messages", orgMember, vigil.OutboxFilter{Kind: vigil.OutboxImmediate}, []string{"own immediate"}, "", ""},
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
