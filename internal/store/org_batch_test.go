package store_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// CreateOrgs leaves the store as CreateOrg one organisation at a time does: the same
// refusals in the same words, the same organisations and assets, and the same overlaps
// flagged (nested and equal ranges, names under domains, a hostname equal to a domain,
// against registered organisations and earlier rows of the batch, never within one
// organisation), each told to the organisation whose claim came later.
func TestCreateOrgsMatchesCreateOrgOneByOne(t *testing.T) {
	org := func(ods, parent string, ranges []string, domains, hosts []string) vigil.Org {
		o := vigil.Org{ODSCode: ods, Name: "Org " + ods, Kind: vigil.OrgTrust, Parent: parent, Domains: domains, Hostnames: hosts}
		for _, r := range ranges {
			o.IPRanges = append(o.IPRanges, netip.MustParsePrefix(r))
		}
		return o
	}
	existing := org("EX1", "", []string{"10.0.0.0/16", "2001:db8::/48"}, []string{"ex.example"}, nil)
	batch := []vigil.Org{
		org("RA1", "", []string{"10.0.1.0/24"}, []string{"a1.example"}, []string{"www.ex.example"}),
		org("RA2", "RA1", []string{"10.0.1.0/24", "2001:db8:0:1::/64"}, []string{"sub.a1.example"}, nil),
		org("RA1", "", nil, []string{"again.example"}, nil),                 // taken earlier in the batch
		org("RA4", "RZZ", []string{"172.16.0.0/24"}, nil, nil),              // unknown parent
		{ODSCode: "RA5", Kind: vigil.OrgTrust},                              // no name
		org("RA6", "", []string{"10.0.0.0/8"}, nil, []string{"a1.example"}), // contains EX1, A1, A2
		org("RA7", "RA4", nil, nil, nil),                                    // parent refused above
		org("EX1", "", nil, nil, nil),                                       // registered
		org("RA8", "", []string{"192.168.0.0/24", "192.168.0.0/25"}, []string{"a8.example", "www.a8.example"}, nil),
		org("bad!", "", nil, nil, nil),
		org("RA9", "RA2", []string{"10.0.1.128/25"}, []string{"ex.example"}, nil), // a grandchild of the batch
	}
	storetest.Each(t, func(t *testing.T, one *store.Store) {
		all := storetest.Open(t)
		if one.Engine() == store.EnginePostgres {
			all = storetest.OpenPostgres(t)
		}
		ctx := t.Context()
		for _, s := range []*store.Store{one, all} {
			if _, _, err := s.CreateOrg(ctx, existing); err != nil {
				t.Fatal(err)
			}
		}
		var want []string
		for _, o := range batch {
			got, overlaps, err := one.CreateOrg(ctx, o)
			want = append(want, describeCreated(got, overlaps, err))
		}
		created, err := all.CreateOrgs(ctx, batch, store.Claimant{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range created {
			got = append(got, describeCreated(c.Org, c.Overlaps, c.Err))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateOrgs differs from CreateOrg one by one (-one +batch):\n%s", diff)
		}
		if diff := cmp.Diff(storedOverlaps(t, one), storedOverlaps(t, all)); diff != "" {
			t.Errorf("stored overlaps differ (-one +batch):\n%s", diff)
		}
		if n := len(storedOverlaps(t, all)); n < 8 {
			t.Errorf("%d overlaps stored; the batch is built to flag at least 8", n)
		}
	})
}

// describeCreated says what creating one organisation did, without row numbers.
func describeCreated(o vigil.Org, overlaps []vigil.Overlap, err error) string {
	if err != nil {
		return "refused: " + vigil.ErrorCode(err) + " " + vigil.ErrorMessage(err)
	}
	var os []string
	for _, ov := range overlaps {
		os = append(os, overlapText(ov))
	}
	slices.Sort(os)
	return fmt.Sprintf("%s %q parent %q ranges %v domains %v hosts %v pending %v overlaps %v", o.ODSCode, o.Name, o.Parent,
		o.IPRanges, o.Domains, o.Hostnames, o.Pending, os)
}

func overlapText(o vigil.Overlap) string {
	claim := func(c vigil.AssetClaim) string {
		if c.Kind == vigil.AssetIPRange {
			return c.Org + " " + c.Prefix.String()
		}
		return c.Org + " " + string(c.Kind) + " " + c.Name
	}
	return fmt.Sprintf("%s ⊇ %s equal=%v %s", claim(o.Wider), claim(o.Narrower), o.Equal, o.Status)
}

// storedOverlaps lists every stored overlap as text, sorted.
func storedOverlaps(t *testing.T, s *store.Store) []string {
	t.Helper()
	os, _, err := s.ListOverlaps(t.Context(), vigil.OverlapFilter{Limit: vigil.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range os {
		out = append(out, overlapText(o))
	}
	slices.Sort(out)
	return out
}
