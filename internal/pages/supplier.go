package pages

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

func (p *Pages) supplierRoutes() []route {
	return []route{
		{"GET /customers", p.customers},
		{"GET /customers/{ods}", p.customer},
	}
}

// customerRow is one customer with how many unresolved alerts it has that the supplier
// may see.
type customerRow struct {
	vigil.Org
	Open, Acknowledged int
}

// groupRow is one problem across customers, named for the supplier.
type groupRow struct {
	vigil.AlertGroup
	// Label names the problem: the shared title, or the indicator and how it was seen.
	Label string
}

// supplierHomeData is a supplier's home: its customers with alerts, and their alerts
// grouped by problem.
type supplierHomeData struct {
	// Customers counts every customer; Busy are those with unresolved alerts, most first.
	Customers int
	Busy      []customerRow
	Groups    []groupRow
	// Names are the customers' names by ODS code.
	Names map[string]string
	// Next is the address of the next page of groups; empty on the last.
	Next  string
	Query url.Values
	Now   time.Time
}

// supplierHome answers a supplier's "which of my customers have a problem, and is it
// the same problem?": its customers with unresolved alerts, then those alerts grouped by
// problem, one row per problem naming how many customers have it, opening to the list.
// ?format=csv downloads the groups' alerts.
func (p *Pages) supplierHome(w http.ResponseWriter, r *http.Request, pr vigil.Principal) {
	ctx := r.Context()
	q := r.URL.Query()
	groups, next, err := p.app.Alerts.Groups(ctx, pr, vigil.AlertGroupFilter{Cursor: q.Get("cursor"), Limit: 20})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeGroupsCSV(w, groups)
		return
	}
	cs, _, err := p.customerRows(r, pr, vigil.OrgFilter{Limit: vigil.MaxLimit})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := supplierHomeData{Customers: len(cs), Names: map[string]string{}, Query: q, Now: time.Now()}
	for _, c := range cs {
		d.Names[c.ODSCode] = c.Name
		if c.Open+c.Acknowledged > 0 {
			d.Busy = append(d.Busy, c)
		}
	}
	slices.SortStableFunc(d.Busy, func(a, b customerRow) int {
		return cmp.Or(cmp.Compare(b.Open+b.Acknowledged, a.Open+a.Acknowledged), cmp.Compare(b.Open, a.Open))
	})
	for _, g := range groups {
		d.Groups = append(d.Groups, groupRow{g, groupLabel(g)})
	}
	if next != "" {
		d.Next = withQuery("/", q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "home_supplier.html", &view{Title: "Your customers", Data: d})
}

// groupLabel names a group for a supplier: the title its alerts share, or the indicator
// they share and how it was seen (each alert's own title names its customer), or the
// title of its one alert.
func groupLabel(g vigil.AlertGroup) string {
	if g.Problem == g.Title {
		return g.Title
	}
	if g.Alerts == 1 && len(g.Members) == 1 {
		return g.Members[0].Title // one alert: its own words say it best
	}
	how := map[vigil.AlertKind]string{vigil.AlertSighting: "seen in their systems", vigil.AlertRetroHunt: "found in their past traffic",
		vigil.AlertEarlyWarning: "reported about their addresses", vigil.AlertVulnerability: "in software they run"}[g.Kind]
	if how == "" {
		return g.Problem
	}
	return g.Problem + ", " + how
}

// customerRows are a page of the supplier's customers (the organisations pr may see,
// but its own) that f chooses, with their unresolved alert counts, in f.Sort's order,
// and the cursor of the next page.
func (p *Pages) customerRows(r *http.Request, pr vigil.Principal, f vigil.OrgFilter) ([]customerRow, string, error) {
	ctx := r.Context()
	list, next, err := p.app.Orgs.List(ctx, pr, f)
	if err != nil {
		return nil, "", err
	}
	counts, err := p.app.Alerts.OpenCounts(ctx, pr)
	if err != nil {
		return nil, "", err
	}
	byOrg := make(map[string]vigil.OrgAlertCount, len(counts))
	for _, c := range counts {
		byOrg[c.Org] = c
	}
	var out []customerRow
	for _, o := range list {
		if o.ODSCode != pr.Org {
			c := byOrg[o.ODSCode]
			out = append(out, customerRow{Org: o, Open: c.Open, Acknowledged: c.Acknowledged})
		}
	}
	return out, next, nil
}

// writeGroupsCSV writes the groups' alerts as CSV, one line per alert with its problem.
func writeGroupsCSV(w http.ResponseWriter, groups []vigil.AlertGroup) {
	cw := csvDownload(w, "customer-problems.csv", "problem", "customers_with_it", "alert", "customer", "severity", "status", "tlp", "title", "last_seen")
	for _, g := range groups {
		for _, a := range g.Members {
			_ = cw.Write([]string{csvSafe(groupLabel(g)), strconv.Itoa(g.Orgs), strconv.FormatInt(a.ID, 10), a.Org, string(a.Severity),
				string(a.Status), string(a.TLP), csvSafe(a.Title), a.LastSeen.UTC().Format(time.RFC3339)})
		}
	}
	cw.Flush()
}

// customersData is a page of a supplier's customers.
type customersData struct {
	Customers []customerRow
	Query     url.Values
	// Next is the address of the next page; empty on the last.
	Next string
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// customers lists the supplier's customers with their unresolved alerts; ?format=csv
// downloads the list.
func (p *Pages) customers(w http.ResponseWriter, r *http.Request) {
	pr, err := supplierPrincipal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.OrgFilter{Kind: vigil.OrgKind(q.Get("kind")), Region: q.Get("region"), Sort: vigil.OrgSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	cs, next, err := p.customerRows(r, pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeCustomersCSV(w, cs)
		return
	}
	d := customersData{Customers: cs, Query: q, Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.OrgByCode, orgSortCols...)}
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "customers.html", &view{Title: "Your customers", Data: d})
}

// supplierPrincipal is the signed-in supplier; the customer pages are a supplier's view.
func supplierPrincipal(r *http.Request) (vigil.Principal, error) {
	pr, err := principal(r)
	if err == nil && pr.Role != vigil.RoleSupplier {
		err = vigil.Errorf(vigil.ENOTFOUND, "the customer pages are for suppliers: your organisation's page is under Your organisation")
	}
	return pr, err
}

func writeCustomersCSV(w http.ResponseWriter, cs []customerRow) {
	cw := csvDownload(w, "customers.csv", "ods_code", "name", "kind", "region", "alerts_needing_action", "alerts_being_dealt_with")
	for _, c := range cs {
		_ = cw.Write([]string{c.ODSCode, csvSafe(c.Name), string(c.Kind), csvSafe(c.Region), strconv.Itoa(c.Open), strconv.Itoa(c.Acknowledged)})
	}
	cw.Flush()
}

// customerData is what a supplier may see of one customer.
type customerData struct {
	Org vigil.Org
	// Assets are the addresses vigil watches for it.
	Assets []assetRow
	Alerts []vigil.Alert
	Query  url.Values
	Next   string
	Now    time.Time
}

// customer shows one customer as its supplier may see it: its details without its
// staff's, the addresses vigil watches, and its alerts the supplier may see (not those
// marked TLP:AMBER+STRICT or TLP:RED), newest first. ?format=csv downloads the page.
func (p *Pages) customer(w http.ResponseWriter, r *http.Request) {
	pr, err := supplierPrincipal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ods := r.PathValue("ods")
	if code, err := vigil.NormalizeODS(ods); err != nil || code == pr.Org {
		p.fail(w, r, vigil.OrgNotFound(ods)) // the supplier itself is no customer
		return
	}
	o, err := p.app.Orgs.Get(r.Context(), pr, ods)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := alertFilter(q)
	f.Org = o.ODSCode
	list, next, err := p.app.Alerts.List(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeAlertsCSV(w, list)
		return
	}
	d := customerData{Org: o, Alerts: list, Query: q, Now: time.Now()}
	for _, a := range orgs.Approved(o) {
		d.Assets = append(d.Assets, assetRow{Asset: a, Status: "active"})
	}
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "customer.html", &view{Title: o.Name, Data: d})
}

// Path is the customer page's own address, for the links that keep its filters.
func (d customerData) Path() string { return "/customers/" + url.PathEscape(d.Org.ODSCode) }

// Plural writes "1 customer", "7 customers".
func (supplierHomeData) Plural(n int, noun string) string { return plural(n, noun) }
