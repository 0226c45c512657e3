package demo

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// The demo's organisations that logins, tokens and sample data refer to.
const (
	CentreODS   = "X9C01"       // the sector security centre
	TrustODS    = "R9A"         // Northbrook Teaching Hospitals: org_admin, org_member and the sensor
	CareHomeODS = "1-101000007" // Oakleigh House Care Home: its registered manager is org_admin
	SupplierODS = "YSP01"       // CarePlan Cloud, the digital care-plan supplier
)

// orgSpec is one demo organisation before its addresses are carved out.
type orgSpec struct {
	ods, name, region, domain string
	kind                      vigil.OrgKind
}

var trusts = []orgSpec{
	{"R9A", "Northbrook Teaching Hospitals NHS Foundation Trust", "North West", "northbrook-hospitals.example", vigil.OrgTrust},
	{"R9B", "Severnvale Community Health NHS Trust", "Midlands", "severnvale-community.example", vigil.OrgTrust},
	{"R9C", "Eastmere Mental Health NHS Foundation Trust", "East of England", "eastmere-mh.example", vigil.OrgTrust},
	{"R9D", "South Downs Coast Ambulance Service NHS Trust", "South East", "sdc-ambulance.example", vigil.OrgTrust},
}

var gps = []orgSpec{
	{"Y90001", "Millbrook Surgery", "North West", "millbrook-surgery.example", vigil.OrgGP},
	{"Y90002", "Castle Street Medical Centre", "North West", "castlestreet-mc.example", vigil.OrgGP},
	{"Y90003", "Riverside Health Centre", "Midlands", "riverside-hc.example", vigil.OrgGP},
	{"Y90004", "The Orchard Practice", "Midlands", "orchard-practice.example", vigil.OrgGP},
	{"Y90005", "Hillview Family Practice", "East of England", "hillview-fp.example", vigil.OrgGP},
	{"Y90006", "Station Road Surgery", "South East", "stationroad-surgery.example", vigil.OrgGP},
	{"Y90007", "Moorside Medical Practice", "North East and Yorkshire", "moorside-mp.example", vigil.OrgGP},
	{"Y90008", "Bridgewater Lane Surgery", "South West", "bridgewater-lane.example", vigil.OrgGP},
}

// careProviders are care homes, domiciliary care agencies and hospices, most without IT
// staff, identified by CQC provider IDs as many of them are.
var careProviders = []orgSpec{
	care(1, "Ashgrove Lodge Care Home", "North West"),
	care(2, "Beechwood Manor Nursing Home", "North West"),
	care(3, "Brookside Court Residential Home", "North West"),
	care(4, "Cedar House Care Home", "Midlands"),
	care(5, "Elmfield Nursing Home", "Midlands"),
	care(6, "Fernlea Residential Care", "Midlands"),
	care(7, "Oakleigh House Care Home", "North West"),
	care(8, "Glenview Care Centre", "North East and Yorkshire"),
	care(9, "Hawthorn Gardens Care Home", "North East and Yorkshire"),
	care(10, "Ivy Bank Nursing Home", "East of England"),
	care(11, "Juniper Court Care Home", "East of England"),
	care(12, "Kingfisher Lodge Residential Home", "South East"),
	care(13, "Larchwood Care Home", "South East"),
	care(14, "Meadowbank Nursing Home", "South West"),
	care(15, "Northfield House Care Home", "South West"),
	care(16, "Orchard View Care Home", "London"),
	care(17, "Primrose Hill Residential Care", "London"),
	care(18, "Queensway Nursing Home", "London"),
	care(19, "Rosewood Manor Care Home", "Midlands"),
	care(20, "Silverbirch Care Home", "North West"),
	care(21, "Thornbury Court Nursing Home", "South West"),
	care(22, "Willowbrook Care Home", "East of England"),
	care(23, "Yew Tree Lodge Care Home", "North East and Yorkshire"),
	care(24, "The Laurels Residential Home", "South East"),
	care(25, "St Agnes Dementia Care Home", "London"),
	care(26, "HomeFirst Domiciliary Care", "North West"),
	care(27, "Kindred Home Care Services", "Midlands"),
	care(28, "Helping Hands at Home Norfolk", "East of England"),
	care(29, "Coastal Care at Home", "South East"),
	care(30, "Pennine Supported Living", "North East and Yorkshire"),
	care(31, "Wessex Reablement Agency", "South West"),
	care(32, "Thames Homecare Partnership", "London"),
	care(33, "Valley Carers Cooperative", "Midlands"),
	care(34, "Bright Horizons Live-in Care", "South East"),
	care(35, "Fellside Community Care", "North West"),
	care(36, "St Cuthbert's Hospice", "North East and Yorkshire"),
	care(37, "Marigold Children's Hospice", "Midlands"),
	care(38, "Lighthouse Hospice Norfolk", "East of England"),
	care(39, "Saint Brigid's Hospice", "South West"),
	care(40, "Harbourside Hospice at Home", "South East"),
}

// care builds a care provider with a CQC-style ID and a domain made from its name.
func care(n int, name, region string) orgSpec {
	return orgSpec{fmt.Sprintf("1-1010000%02d", n), name, region, slug(name) + ".example", vigil.OrgCareProvider}
}

var suppliers = []orgSpec{
	{"YSP01", "CarePlan Cloud Ltd", "National", "careplancloud.example", vigil.OrgSupplier},
	{"YSP02", "Meridian GP Systems", "National", "meridian-gp.example", vigil.OrgSupplier},
	{"YSP03", "Harbour Managed IT", "South East", "harbour-it.example", vigil.OrgSupplier},
}

var centreOrg = orgSpec{CentreODS, "Health and Care Cyber Centre (demo)", "National", "hccc.example", vigil.OrgCentre}

// slug turns "St Agnes Dementia Care Home" into "st-agnes-dementia-care-home".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0 && r != '\'':
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Address plan, all in documentation ranges: trusts, GP practices, suppliers and the
// centre share 192.0.2.0/24; care providers have a /30 each in 198.51.100.0/24 (the top
// of it, 198.51.100.160 and up, belongs to nobody); 203.0.113.0/24 and 2001:db8:bad::/48
// are "the internet", where the sample intel's attackers live. Every organisation also
// has an IPv6 /48 at 2001:db8:N::/48.
func (o orgSpec) block(i int) netip.Prefix {
	switch o.kind {
	case vigil.OrgTrust:
		return netip.MustParsePrefix(fmt.Sprintf("192.0.2.%d/27", 32*i))
	case vigil.OrgGP:
		return netip.MustParsePrefix(fmt.Sprintf("192.0.2.%d/29", 128+8*i))
	case vigil.OrgSupplier:
		return netip.MustParsePrefix(fmt.Sprintf("192.0.2.%d/29", 192+8*i))
	case vigil.OrgCentre:
		return netip.MustParsePrefix("192.0.2.216/29")
	}
	return netip.MustParsePrefix(fmt.Sprintf("198.51.100.%d/30", 4*i))
}

// contacts are an organisation's people to e-mail: a security lead who hears of high
// alerts at once, and at a trust also a manager who reads the daily digest alone. Demo
// mode writes their messages as .eml files in <data-dir>/outbox.
func contacts(o orgSpec) []vigil.Contact {
	out := []vigil.Contact{{Name: "Security lead", Role: "IT security", Email: "security@" + o.domain}}
	if o.kind == vigil.OrgTrust {
		out = append(out, vigil.Contact{Name: "Director of operations", Email: "operations@" + o.domain, Notify: vigil.NotifyDigest})
	}
	return out
}

// sector returns every demo organisation with its assets, the centre first.
func sector() []vigil.Org {
	var out []vigil.Org
	n := 0
	for _, group := range [][]orgSpec{{centreOrg}, trusts, gps, careProviders, suppliers} {
		for i, o := range group {
			n++
			v6 := netip.MustParsePrefix(fmt.Sprintf("2001:db8:%x::/48", n))
			out = append(out, vigil.Org{ODSCode: o.ods, Name: o.name, Kind: o.kind, Region: o.region,
				IPRanges: []netip.Prefix{o.block(i), v6}, Domains: []string{o.domain}, Contacts: contacts(o)})
		}
	}
	return out
}

// supplierLinks says which organisations each supplier serves: the care-plan supplier
// most care homes, the GP IT supplier every practice, the managed IT provider the
// home-care agencies, hospices and one trust.
func supplierLinks() map[string][]string {
	links := map[string][]string{}
	for i, o := range careProviders {
		switch {
		case i < 25:
			links["YSP01"] = append(links["YSP01"], o.ods)
		default:
			links["YSP03"] = append(links["YSP03"], o.ods)
		}
	}
	for _, o := range gps {
		links["YSP02"] = append(links["YSP02"], o.ods)
	}
	links["YSP03"] = append(links["YSP03"], "R9D")
	return links
}
