package pages

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/orgs"
)

func (p *Pages) organisationRoutes() []route {
	return []route{
		{"GET /organisation", p.organisation},
		{"POST /organisation/assets", p.assetAdd},
		{"POST /organisation/assets/remove", p.assetRemove},
		{"POST /organisation/contacts", p.contactAdd},
		{"GET /organisation/contacts/{n}", p.contactEdit},
		{"POST /organisation/contacts/{n}", p.contactSave},
		{"POST /organisation/contacts/{n}/remove", p.contactRemove},
	}
}

// organisationData is the organisation's page: its details, addresses, contacts and
// suppliers, with the forms an administrator uses to change them.
type organisationData struct {
	orgs.Profile
	// Assets are its addresses: active, then waiting for approval, then refused.
	Assets []assetRow
	// CanEdit says whether the viewer may change the organisation (its administrator).
	CanEdit bool
	// Contacts are its contacts with their positions, which the forms that change one name.
	Contacts []contactRow
	// Asset and Contact are the add forms' values, shown again when refused.
	Asset   assetForm
	Contact vigil.Contact
	// ContactOpen shows the add-a-contact form open, to show its problems.
	ContactOpen bool
}

// contactRow is a contact and its position in the list, from 1.
type contactRow struct {
	vigil.Contact
	At int
}

// assetRow is one of the organisation's addresses as the page lists it.
type assetRow struct {
	vigil.Asset
	// Status is "active", "pending" or "refused".
	Status string
	// Rejection says who refused it and why, for a refused one.
	Rejection orgs.Rejection
}

// Shown is the address as a person writes it: a single IP address without "/32".
func (a assetRow) Shown() string {
	if p, err := netip.ParsePrefix(a.Value); err == nil && p.IsSingleIP() {
		return p.Addr().String()
	}
	return a.Value
}

// What says in plain words what sort of address it is.
func (a assetRow) What() string {
	switch a.Kind {
	case vigil.AssetDomain:
		return "Domain name, with every web and email address under it"
	case vigil.AssetHostname:
		return "One web address"
	}
	if p, err := netip.ParsePrefix(a.Value); err == nil && p.IsSingleIP() {
		return "Internet (IP) address"
	}
	return "Range of internet (IP) addresses"
}

// assetRows lists o's addresses for the page, with the refused claims last.
func assetRows(pr orgs.Profile) []assetRow {
	var rows []assetRow
	for _, a := range orgs.Approved(pr.Org) {
		rows = append(rows, assetRow{Asset: a, Status: "active"})
	}
	for _, a := range pr.Org.Pending {
		rows = append(rows, assetRow{Asset: a, Status: "pending"})
	}
	for _, rj := range pr.Rejected {
		rows = append(rows, assetRow{Asset: rj.Asset, Status: "refused", Rejection: rj})
	}
	return rows
}

// ownOrg is the organisation pr belongs to, or a not-found error for the sector
// centre's staff, who look at organisations through the sector pages.
func ownOrg(pr vigil.Principal) (string, error) {
	if pr.Org == "" {
		return "", vigil.Errorf(vigil.ENOTFOUND, "you work for the sector centre rather than one organisation: find organisations under Organisations")
	}
	return pr.Org, nil
}

func (p *Pages) organisation(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.renderOrganisation(w, r, pr, http.StatusOK, nil, organisationData{Asset: assetForm{Kind: string(vigil.AssetDomain)}})
}

// renderOrganisation shows pr's organisation page with status, a form's problems and
// the values the forms had.
func (p *Pages) renderOrganisation(w http.ResponseWriter, r *http.Request, pr vigil.Principal, status int, errs []fieldError, d organisationData) {
	ods, err := ownOrg(pr)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if d.Profile, err = p.app.Orgs.Profile(r.Context(), pr, ods); err != nil {
		p.fail(w, r, err)
		return
	}
	d.Assets, d.CanEdit = assetRows(d.Profile), pr.Need(vigil.OrgEditors...) == nil
	if r.Method == http.MethodGet && r.URL.Query().Get("format") == "csv" {
		writeAssetsCSV(w, d.Assets)
		return
	}
	for i, c := range d.Org.Contacts {
		d.Contacts = append(d.Contacts, contactRow{c, i + 1})
	}
	p.render(w, r, status, "organisation.html", &view{Title: "Your organisation", Errors: errs, Data: d})
}

// assetForm is the "add an address" form.
type assetForm struct {
	// Value is what the person typed: a domain, a web address, an IP address or range.
	Value string
	// Kind is the kind they chose: domain, hostname or ip_range.
	Kind string
}

// asset is the address the form asks for. People paste web addresses and type IP
// addresses whatever kind they picked, so a link is cut to its host name, an IP address
// or range is taken as one, and the whole domain of www.example.org is example.org.
func (f assetForm) asset() (vigil.Asset, error) {
	v := f.Value
	if v == "" {
		return vigil.Asset{}, vigil.Errorf(vigil.EINVALID, "Enter a domain name, web address or internet (IP) address")
	}
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		v = u.Hostname()
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return vigil.Asset{Kind: vigil.AssetIPRange, Value: v}, nil
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return vigil.Asset{Kind: vigil.AssetIPRange, Value: v}, nil
	}
	kind := vigil.AssetKind(f.Kind)
	if !slices.Contains([]vigil.AssetKind{vigil.AssetDomain, vigil.AssetHostname, vigil.AssetIPRange}, kind) {
		return vigil.Asset{}, vigil.Errorf(vigil.EINVALID, "Choose what sort of address it is")
	}
	if kind == vigil.AssetDomain && len(v) > 4 && strings.EqualFold(v[:4], "www.") {
		v = v[4:] // "the whole domain" of www.example.org is example.org
	}
	return vigil.Asset{Kind: kind, Value: v}, nil
}

// assetAdd claims an address for the organisation. It waits for the sector centre's
// approval and routes nothing until then; one no organisation could own is refused with
// the reason beside the field.
func (p *Pages) assetAdd(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form := assetForm{Value: strings.TrimSpace(r.PostFormValue("asset")), Kind: r.PostFormValue("asset-kind")}
	refuse := func(err error) {
		p.renderOrganisation(w, r, pr, http.StatusUnprocessableEntity, errorOn("asset", err),
			organisationData{Asset: form})
	}
	a, err := form.asset()
	if err != nil {
		refuse(err)
		return
	}
	c, err := p.app.Orgs.Update(r.Context(), pr, pr.Org, vigil.OrgPatch{AddAssets: []vigil.Asset{a}})
	if vigil.ErrorCode(err) == vigil.EINVALID {
		refuse(err)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/organisation?done="+addedAs(a, c)+"#assets", http.StatusSeeOther)
}

// addedAs is the confirmation for asset a after change c: already active, waiting, or
// waiting with an overlap with another organisation for the centre to look at.
func addedAs(a vigil.Asset, c orgs.Change) string {
	if n, err := orgs.NormalizeAsset(a); err == nil && slices.Contains(orgs.Approved(c.Org), n) {
		return "asset-active"
	}
	if len(c.Overlaps) > 0 {
		return "asset-overlap"
	}
	return "asset-pending"
}

// assetRemove removes one of the organisation's addresses: vigil stops watching it.
func (p *Pages) assetRemove(w http.ResponseWriter, r *http.Request) {
	pr, err := principal(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	a := vigil.Asset{Kind: vigil.AssetKind(r.PostFormValue("kind")), Value: r.PostFormValue("value")}
	if _, err := p.app.Orgs.Update(r.Context(), pr, pr.Org, vigil.OrgPatch{RemoveAssets: []vigil.Asset{a}}); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/organisation?done=asset-removed#assets", http.StatusSeeOther)
}

// KindName says what sort of organisation it is, as its staff would.
func (d organisationData) KindName() string {
	return map[vigil.OrgKind]string{vigil.OrgTrust: "NHS trust", vigil.OrgGP: "GP practice",
		vigil.OrgCareProvider: "Adult social care provider", vigil.OrgSupplier: "IT or digital care supplier",
		vigil.OrgCentre: "Sector security centre"}[d.Org.Kind]
}

// writeAssetsCSV writes the organisation's addresses as the page lists them.
func writeAssetsCSV(w http.ResponseWriter, rows []assetRow) {
	cw := csvDownload(w, "addresses.csv", "address", "kind", "status", "refused_by", "refused_at", "reason")
	for _, a := range rows {
		rec := []string{csvSafe(a.Shown()), string(a.Kind), a.Status, "", "", ""}
		if a.Status == "refused" {
			rec[3], rec[4], rec[5] = a.Rejection.RejectedBy, a.Rejection.At.UTC().Format(time.RFC3339), csvSafe(a.Rejection.Note)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}
