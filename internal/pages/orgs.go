package pages

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

// orgRoutes are the sector centre's register of organisations: the list, each
// organisation's page, the asset claims waiting for approval and the overlaps to decide.
func (p *Pages) orgRoutes() []route {
	return []route{
		{"GET /orgs", p.orgList},
		{"GET /orgs/{ods}", p.orgDetail},
		{"POST /orgs/{ods}/assets", p.orgAddAsset},
		{"POST /orgs/{ods}/assets/remove", p.orgRemoveAsset},
		{"GET /orgs/assets/pending", p.pendingAssets},
		{"POST /orgs/assets/{id}/approve", p.assetApprove},
		{"POST /orgs/assets/{id}/reject", p.assetReject},
		{"GET /orgs/overlaps", p.overlapList},
		{"POST /orgs/overlaps/{id}/accept", p.overlapAccept},
	}
}

// sectorOnly is the signed-in person when they work for the sector centre. These pages
// are the centre's, as the API's matching operations are: an organisation's own people
// have their own pages, so anyone else is refused here before any use case runs (each
// use case checks again).
func (p *Pages) sectorOnly(w http.ResponseWriter, r *http.Request) (vigil.Principal, bool) {
	pr, err := principal(r)
	if err == nil {
		err = pr.Need(vigil.SectorRoles...)
	}
	if err != nil {
		p.fail(w, r, err)
		return pr, false
	}
	return pr, true
}

// orgKinds are the organisation kinds, in the order the filter offers them.
var orgKinds = []vigil.OrgKind{vigil.OrgTrust, vigil.OrgGP, vigil.OrgCareProvider, vigil.OrgSupplier, vigil.OrgCentre, vigil.OrgLSO}

// nhsRegions are NHS England's regions, which the filter offers.
var nhsRegions = []string{"East of England", "London", "Midlands", "North East and Yorkshire", "North West", "South East", "South West"}

func orgKindName(k vigil.OrgKind) string {
	switch k {
	case vigil.OrgTrust:
		return "NHS trust"
	case vigil.OrgGP:
		return "GP practice"
	case vigil.OrgCareProvider:
		return "Care provider"
	case vigil.OrgSupplier:
		return "Supplier"
	case vigil.OrgCentre:
		return "Sector centre"
	case vigil.OrgLSO:
		return "Local Support Organisation"
	}
	return string(k)
}

func assetKindName(k vigil.AssetKind) string {
	switch k {
	case vigil.AssetIPRange:
		return "IP range"
	case vigil.AssetDomain:
		return "Domain"
	case vigil.AssetHostname:
		return "Host name"
	}
	return string(k)
}

// orgListData is a page of organisations with the filters that chose it.
type orgListData struct {
	Orgs    []orgRow
	Query   url.Values
	Next    string
	Kinds   []vigil.OrgKind
	Regions []string
	// Heads are the column headers that sort the list.
	Heads sortHeads
}

// orgSortCols are the sorting columns of the organisation list and a supplier's customers.
var orgSortCols = []sortCol[vigil.OrgSort]{
	{Name: "name", By: vigil.OrgByName, Asc: true},
	{Name: "ods_code", By: vigil.OrgByCode, Asc: true},
	{Name: "kind", By: vigil.OrgByKind, Asc: true},
	{Name: "region", By: vigil.OrgByRegion, Asc: true},
}

// orgRow is one organisation in the list, with its assets counted.
type orgRow struct {
	vigil.Org
	Assets, Pending int
}

// orgList lists the organisations the query's search and filters choose, a page at a
// time, in the order ?sort= names; ?format=csv downloads the page in that order.
func (p *Pages) orgList(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := vigil.OrgFilter{Search: q.Get("q"), Kind: vigil.OrgKind(q.Get("kind")), Region: q.Get("region"),
		Sort: vigil.OrgSort(q.Get("sort")), Cursor: q.Get("cursor")}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	list, next, err := p.app.Orgs.List(r.Context(), pr, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		writeOrgsCSV(w, list)
		return
	}
	d := orgListData{Query: q, Kinds: orgKinds, Regions: nhsRegions,
		Heads: newSortHeads(r.URL.Path, q, f.Sort.Or(), vigil.OrgByCode, orgSortCols...)}
	for _, o := range list {
		d.Orgs = append(d.Orgs, orgRow{Org: o, Assets: len(orgs.Approved(o)), Pending: len(o.Pending)})
	}
	if next != "" {
		d.Next = withQuery(r.URL.Path, q, "cursor", next)
	}
	p.render(w, r, http.StatusOK, "orgs.html", &view{Title: "Organisations", Data: d})
}

// writeOrgsCSV writes organisations as CSV, with their approved and pending assets.
func writeOrgsCSV(w http.ResponseWriter, list []vigil.Org) {
	cw := csvDownload(w, "organisations.csv", "ods_code", "name", "kind", "region", "parent", "ip_ranges", "domains", "hostnames", "pending")
	for _, o := range list {
		ranges := make([]string, len(o.IPRanges))
		for i, p := range o.IPRanges {
			ranges[i] = p.String()
		}
		pending := make([]string, len(o.Pending))
		for i, a := range o.Pending {
			pending[i] = string(a.Kind) + ":" + a.Value
		}
		_ = cw.Write([]string{o.ODSCode, csvSafe(o.Name), string(o.Kind), csvSafe(o.Region), o.Parent, strings.Join(ranges, " "),
			strings.Join(o.Domains, " "), strings.Join(o.Hostnames, " "), strings.Join(pending, " ")})
	}
	cw.Flush()
}

// orgDetailData is one organisation's page.
type orgDetailData struct {
	orgs.Profile
	// Alerts are its latest alerts.
	Alerts []vigil.Alert
	// Form is the "add an asset" form as it was sent, when it is shown again.
	Form vigil.Asset
	// AssetKinds are the kinds of asset the form offers.
	AssetKinds []vigil.AssetKind
	Now        time.Time
}

// orgRecentAlerts is how many of an organisation's latest alerts its page shows.
const orgRecentAlerts = 10

func (p *Pages) orgDetail(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	p.renderOrg(w, r, pr, http.StatusOK, nil, vigil.Asset{})
}

// renderOrg shows the organisation of the address, with errs about the asset form
// (which shows form again) when there are any.
func (p *Pages) renderOrg(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError, form vigil.Asset) {
	pf, err := p.app.Orgs.Profile(r.Context(), pr, r.PathValue("ods"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, _, err := p.app.Alerts.List(r.Context(), pr, vigil.AlertFilter{Org: pf.Org.ODSCode, Limit: orgRecentAlerts})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, status, "orgs_detail.html", &view{Title: pf.Org.Name, Errors: errs, Data: orgDetailData{Profile: pf,
		Alerts: list, Form: form, AssetKinds: []vigil.AssetKind{vigil.AssetIPRange, vigil.AssetDomain, vigil.AssetHostname},
		Now: time.Now()}})
}

// orgAddAsset adds an asset the sector centre vouches for: approved at once, so that it
// routes from now on (orgs.Service.Update).
func (p *Pages) orgAddAsset(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	a := vigil.Asset{Kind: vigil.AssetKind(r.PostFormValue("kind")), Value: strings.TrimSpace(r.PostFormValue("value"))}
	var errs []fieldError
	if a.Kind != vigil.AssetIPRange && a.Kind != vigil.AssetDomain && a.Kind != vigil.AssetHostname {
		errs = append(errs, fieldError{"asset-kind", "Choose what sort of asset it is: an IP range, a domain or a host name"})
	}
	if a.Value == "" {
		errs = append(errs, fieldError{"asset-value", "Enter the IP range, domain or host name"})
	}
	if len(errs) == 0 {
		c, err := p.app.Orgs.Update(r.Context(), pr, r.PathValue("ods"), vigil.OrgPatch{AddAssets: []vigil.Asset{a}})
		if err == nil {
			done := "asset-added"
			if len(c.Overlaps) > 0 {
				done = "asset-overlaps"
			}
			http.Redirect(w, r, "/orgs/"+url.PathEscape(c.Org.ODSCode)+"?done="+done+"#assets", http.StatusSeeOther)
			return
		}
		if vigil.ErrorCode(err) != vigil.EINVALID {
			p.fail(w, r, err)
			return
		}
		errs = errorOn("asset-value", err)
	}
	p.renderOrg(w, r, pr, http.StatusUnprocessableEntity, errs, a)
}

// orgRemoveAsset removes one of the organisation's assets, approved or pending: a claim
// an overlap showed to be wrong, or an address it no longer holds.
func (p *Pages) orgRemoveAsset(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	kind, value, _ := strings.Cut(r.PostFormValue("asset"), ":")
	a := vigil.Asset{Kind: vigil.AssetKind(kind), Value: value}
	c, err := p.app.Orgs.Update(r.Context(), pr, r.PathValue("ods"), vigil.OrgPatch{RemoveAssets: []vigil.Asset{a}})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/orgs/"+url.PathEscape(c.Org.ODSCode)+"?done=org-asset-removed#assets", http.StatusSeeOther)
}

// pendingData is a page of asset claims waiting for an analyst.
type pendingData struct {
	Claims []vigil.OrgAsset
	Query  url.Values
	Next   string
}

func (p *Pages) pendingAssets(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	p.renderPending(w, r, pr, http.StatusOK, nil)
}

// renderPending shows the claims waiting for approval, oldest first, with errs about
// a decision when there are any.
func (p *Pages) renderPending(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError) {
	q := r.URL.Query()
	claims, next, err := p.app.Orgs.Assets(r.Context(), pr, vigil.AssetFilter{Status: vigil.AssetPending, Cursor: q.Get("cursor")})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := pendingData{Claims: claims, Query: q}
	if next != "" {
		d.Next = withQuery("/orgs/assets/pending", q, "cursor", next)
	}
	p.render(w, r, status, "orgs_pending.html", &view{Title: "Asset claims waiting for approval", Errors: errs, Data: d})
}

func (p *Pages) assetApprove(w http.ResponseWriter, r *http.Request) {
	p.decideAsset(w, r, "asset-approved", p.app.Orgs.ApproveAsset)
}

func (p *Pages) assetReject(w http.ResponseWriter, r *http.Request) {
	p.decideAsset(w, r, "asset-rejected", p.app.Orgs.RejectAsset)
}

// decideAsset runs an analyst's decision on a claim and goes back to the waiting list
// with a confirmation; a decision refused (a note missing, decided already) shows the
// list with the reason beside the claim.
func (p *Pages) decideAsset(w http.ResponseWriter, r *http.Request, done string,
	decide func(ctx context.Context, p vigil.Principal, id int64, note string) (vigil.OrgAsset, error)) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "asset claim")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if _, err := decide(r.Context(), pr, id, r.PostFormValue("note")); err != nil {
		if code := vigil.ErrorCode(err); code != vigil.EINVALID && code != vigil.ECONFLICT {
			p.fail(w, r, err)
			return
		}
		p.renderPending(w, r, pr, http.StatusUnprocessableEntity, errorOn("note-"+strconv.FormatInt(id, 10), err))
		return
	}
	http.Redirect(w, r, "/orgs/assets/pending?done="+done, http.StatusSeeOther)
}

// overlapData is a page of overlapping claims.
type overlapData struct {
	Overlaps []vigil.Overlap
	Query    url.Values
	Next     string
	Open     bool // the page lists the open ones, which have a decision to make
}

func (p *Pages) overlapList(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	p.renderOverlaps(w, r, pr, http.StatusOK, nil)
}

// renderOverlaps shows the overlaps of the status the query asks for (open by
// default), oldest first, with errs about a decision when there are any.
func (p *Pages) renderOverlaps(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError) {
	q := r.URL.Query()
	st := vigil.OverlapStatus(q.Get("status"))
	if st != vigil.OverlapAccepted {
		st = vigil.OverlapOpen
	}
	list, next, err := p.app.Orgs.Overlaps(r.Context(), pr, vigil.OverlapFilter{Status: st, Org: q.Get("org"), Cursor: q.Get("cursor")})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d := overlapData{Overlaps: list, Query: q, Open: st == vigil.OverlapOpen}
	if next != "" {
		d.Next = withQuery("/orgs/overlaps", q, "cursor", next)
	}
	title := "Overlapping claims to decide"
	if !d.Open {
		title = "Overlapping claims accepted"
	}
	p.render(w, r, status, "orgs_overlaps.html", &view{Title: title, Errors: errs, Data: d})
}

// overlapAccept records that an overlap is right, with why.
func (p *Pages) overlapAccept(w http.ResponseWriter, r *http.Request) {
	pr, ok := p.sectorOnly(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "overlap")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if _, err := p.app.Orgs.AcceptOverlap(r.Context(), pr, id, r.PostFormValue("note")); err != nil {
		if code := vigil.ErrorCode(err); code != vigil.EINVALID && code != vigil.ECONFLICT {
			p.fail(w, r, err)
			return
		}
		p.renderOverlaps(w, r, pr, http.StatusUnprocessableEntity, errorOn("note-"+strconv.FormatInt(id, 10), err))
		return
	}
	http.Redirect(w, r, "/orgs/overlaps?done=overlap-accepted", http.StatusSeeOther)
}
