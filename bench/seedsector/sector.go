package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// seedOrg is one generated organisation.
type seedOrg struct {
	code, name, region string
	kind               vigil.OrgKind
	v4, v6             netip.Prefix
	domain             string
}

// sector is the generated organisations, grouped by kind for picking alert owners.
type sector struct {
	orgs   []seedOrg
	byKind map[vigil.OrgKind][]int
}

// mix is the share of each kind among the organisations (the rest are GP practices),
// roughly England's: a couple of hundred trusts, thousands of practices and providers.
var mix = []struct {
	kind  vigil.OrgKind
	share float64
	bits  int // IPv4 prefix length of the organisation's range
}{
	{vigil.OrgCentre, 0, 24},
	{vigil.OrgSupplier, 0.002, 26},
	{vigil.OrgTrust, 0.02, 22},
	{vigil.OrgCareProvider, 0.348, 29},
	{vigil.OrgGP, 1, 27},
}

var regions = []string{"North East and Yorkshire", "North West", "Midlands", "East of England", "London", "South East", "South West"}

var places = []string{"Ashford", "Barnsley", "Bolton", "Calderdale", "Dorset", "Exeter", "Frimley", "Gateshead",
	"Harrogate", "Ipswich", "Kettering", "Leeds", "Luton", "Mid Yorkshire", "Norfolk", "Oxford", "Poole",
	"Royal Cornwall", "Salford", "Torbay", "Walsall", "Wirral", "Worcester", "York"}

var streets = []string{"High Street", "Park Road", "Church Lane", "Station Road", "Victoria", "Riverside",
	"Castle", "Market Square", "Mill Lane", "Abbey", "Orchard", "Meadow"}

// v4Space holds every organisation's generated IPv4 range: 100.64.0.0/10 (RFC 6598
// shared address space) is not routed on the internet, so the benchmark's events and
// telemetry never name a real network. IPv6 ranges are /48s of 2001:db8::/32.
var v4Space = netip.MustParsePrefix("100.64.0.0/10")

// newSector generates n organisations deterministically from seed.
func newSector(n int, seed uint64) *sector {
	rng := rand.New(rand.NewPCG(seed, 4))
	sc := &sector{byKind: map[vigil.OrgKind][]int{}}
	next := v4Space.Addr()
	for i := range n {
		kind, bits := kindOf(i, n)
		o := seedOrg{kind: kind, code: odsCode(kind, len(sc.byKind[kind])), region: regions[rng.IntN(len(regions))]}
		o.name = orgName(kind, len(sc.byKind[kind]), rng)
		o.v4, next = allocate(next, bits)
		o.v6 = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i >> 8), byte(i)}), 48)
		o.domain = strings.ToLower(o.code) + "." + domainZone(kind)
		sc.byKind[kind] = append(sc.byKind[kind], len(sc.orgs))
		sc.orgs = append(sc.orgs, o)
	}
	return sc
}

// kindOf returns the kind and IPv4 prefix length of the i-th of n organisations: the
// first is the centre, then each kind takes its share.
func kindOf(i, n int) (vigil.OrgKind, int) {
	if i == 0 {
		return mix[0].kind, mix[0].bits
	}
	upto := 1
	for _, m := range mix[1:] {
		upto += max(1, int(m.share*float64(n)))
		if i < upto {
			return m.kind, m.bits
		}
	}
	last := mix[len(mix)-1]
	return last.kind, last.bits
}

// odsCode returns the i-th code of a kind, in the shapes ODS uses: trusts R + two
// characters, practices a letter and five digits, suppliers Y and four digits, care
// providers a CQC location id (1- and nine digits), the centre X26.
func odsCode(kind vigil.OrgKind, i int) string {
	const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	switch kind {
	case vigil.OrgCentre:
		return "X26"
	case vigil.OrgTrust:
		code := fmt.Sprintf("R%c%c", base36[i/36%36], base36[i%36])
		if i >= 36*36 {
			code += fmt.Sprint(i / (36 * 36))
		}
		return code
	case vigil.OrgSupplier:
		return fmt.Sprintf("Y%04d", i)
	case vigil.OrgCareProvider:
		return fmt.Sprintf("1-%09d", 100_000_000+i*7919)
	}
	return fmt.Sprintf("%c%05d", 'A'+i/100_000%20, 10_000+i%100_000)
}

func orgName(kind vigil.OrgKind, i int, rng *rand.Rand) string {
	place := places[rng.IntN(len(places))]
	switch kind {
	case vigil.OrgCentre:
		return "Health and Care Cyber Security Centre"
	case vigil.OrgTrust:
		return fmt.Sprintf("%s Teaching Hospitals NHS Foundation Trust %d", place, i)
	case vigil.OrgSupplier:
		return fmt.Sprintf("%s Care Systems Ltd %d", place, i)
	case vigil.OrgCareProvider:
		return fmt.Sprintf("%s House Care Home %d", place, i)
	}
	return fmt.Sprintf("%s %s Surgery %d", place, streets[rng.IntN(len(streets))], i)
}

func domainZone(kind vigil.OrgKind) string {
	switch kind {
	case vigil.OrgCareProvider:
		return "care.example"
	case vigil.OrgSupplier:
		return "supplier.example"
	}
	return "nhs.example"
}

// allocate returns the next network of the given length at or after next, aligned, and
// the address after it. It panics past the end of v4Space (over ~100,000 organisations).
func allocate(next netip.Addr, bits int) (netip.Prefix, netip.Addr) {
	p, _ := next.Prefix(bits)
	if p.Addr() != next {
		p = netip.PrefixFrom(lastOf(p).Next(), bits)
	}
	if !v4Space.Contains(p.Addr()) {
		panic("seedsector: the generated IPv4 space is full; seed fewer organisations")
	}
	return p, lastOf(p).Next()
}

// lastOf returns the last address of an IPv4 network.
func lastOf(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= 1<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// busiest returns the organisation that gets the most alerts: the first trust.
func (sc *sector) busiest() seedOrg { return sc.orgs[sc.byKind[vigil.OrgTrust][0]] }

// orgChunk is how many organisations one CreateOrgs transaction registers: the size
// `vigil org import` writes at once.
const orgChunk = 1000

// createOrgs registers every organisation through the store's bulk path (CreateOrgs,
// what `vigil org import` uses), a chunk per transaction: the same rows the server
// would write, some 10,000 a few seconds rather than minutes one by one.
func createOrgs(ctx context.Context, s *store.Store, sc *sector) error {
	for part := range slices.Chunk(sc.orgs, orgChunk) {
		orgs := make([]vigil.Org, len(part))
		for i, o := range part {
			orgs[i] = newOrg(o)
		}
		created, err := s.CreateOrgs(ctx, orgs, store.Claimant{By: "seedsector"})
		if err != nil {
			return fmt.Errorf("create organisations: %w", err)
		}
		for i, c := range created {
			if c.Err != nil {
				return fmt.Errorf("create %s: %w", part[i].code, c.Err)
			}
		}
	}
	return nil
}

// newOrg is the organisation o registers as, with its IT lead as contact.
func newOrg(o seedOrg) vigil.Org {
	org := vigil.Org{ODSCode: o.code, Name: o.name, Kind: o.kind, Region: o.region,
		IPRanges: []netip.Prefix{o.v4, o.v6}, Domains: []string{o.domain}}
	org.Contacts = []vigil.Contact{{Name: "IT lead", Role: "IT lead", Email: "it@" + o.domain}}
	return org
}

// tokens are the API tokens the benchmark uses.
type tokens struct{ analyst, orgAdmin string }

// createAccounts makes a sector analyst and an admin of the busiest organisation, each
// with an API token (no passwords: the benchmark never signs in).
func createAccounts(ctx context.Context, s *store.Store, sc *sector) (tokens, error) {
	var t tokens
	var err error
	if t.analyst, err = userToken(ctx, s, vigil.NewUser{Email: "analyst@centre.example", Name: "Bench Analyst", Role: vigil.RoleSectorAnalyst}); err != nil {
		return t, err
	}
	trust := sc.busiest()
	t.orgAdmin, err = userToken(ctx, s, vigil.NewUser{Email: "admin@" + trust.domain, Name: "Bench Org Admin", Role: vigil.RoleOrgAdmin, Org: trust.code})
	return t, err
}

func userToken(ctx context.Context, s *store.Store, nu vigil.NewUser) (string, error) {
	u, err := s.CreateUser(ctx, nu)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", nu.Email, err)
	}
	raw, _, err := s.CreateToken(ctx, vigil.NewToken{Name: "benchmark", UserID: u.ID})
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", nu.Email, err)
	}
	return raw, nil
}
