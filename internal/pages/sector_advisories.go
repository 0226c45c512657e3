package pages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/vuln"
)

// The sector advisories' pages: the analysts write advisories about products outside
// package ecosystems (a firewall, an anti-virus, a care-plan app) and see the built-in
// products-of-concern policy beside them, read-only.

func (p *Pages) sectorAdvisoryRoutes() []route {
	return []route{
		{"GET /sector-advisories", p.sectorAdvisoryList},
		{"GET /sector-advisories/new", p.sectorAdvisoryNew},
		{"POST /sector-advisories", p.sectorAdvisoryCreate},
		{"GET /sector-advisories/{id}", p.sectorAdvisoryDetail},
		{"POST /sector-advisories/{id}", p.sectorAdvisorySave},
		{"GET /sector-advisories/{id}/withdraw", p.sectorAdvisoryWithdrawAsk},
		{"POST /sector-advisories/{id}/withdraw", p.sectorAdvisoryWithdraw},
	}
}

// sectorListData is the list page: the advisories in force, those withdrawn, and the
// built-in policy.
type sectorListData struct {
	Active, Withdrawn []exposure.SectorAdvisory
	Policy            vuln.Policy
}

func (p *Pages) sectorAdvisoryList(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	var d sectorListData
	if d.Policy, err = p.app.Exposure.Policy(r.Context(), pr); err != nil { // the analysts' alone
		p.fail(w, r, err)
		return
	}
	all, err := p.app.Exposure.ListSectorAdvisories(r.Context(), pr, true)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, a := range all {
		if a.WithdrawnAt.IsZero() {
			d.Active = append(d.Active, a)
		} else {
			d.Withdrawn = append(d.Withdrawn, a)
		}
	}
	p.render(w, r, http.StatusOK, "sector_advisories.html", &view{Title: "Sector advisories", Done: sectorDone(r.URL.Query()), Data: d})
}

// rangeRow is one row of affected versions on the form.
type rangeRow struct {
	Index                           int
	Introduced, Fixed, LastAffected string
}

// sectorForm is the advisory form as the person filled it in: lists as typed (comma- or
// line-separated), so that nothing is lost when it comes back with an error.
type sectorForm struct {
	// Editing says the advisory exists: its ID does not change.
	Editing                                   bool
	ID, Aliases, Vendor, VendorAliases        string
	Product, ProductAliases, Match, Versions  string
	Severity, CVSS, Summary, Steps, Published string
	Ranges                                    []rangeRow
	Matches, VersionChoices, Severities       []choice
}

// maxRanges is how many rows of versions the form reads.
const maxRanges = 20

var matchChoices = []choice{{string(vigil.ProductExact), "This product exactly (ignoring case, spaces and punctuation)"},
	{string(vigil.ProductPrefix), "Every product whose name starts with this one (\"USG FLEX\" covers \"USG FLEX 100 firewall\")"},
	{string(vigil.ProductAny), "Every product of the vendor"}}

var versionChoices = []choice{{"ranges", "The versions in the ranges below"}, {"any", "Every version"}}

var severityChoices = []choice{{"critical", "Critical: act now"}, {"high", "High: act today"},
	{"medium", "Medium: act this week"}, {"low", "Low: worth knowing"}}

// withChoices fills the choices and gives the form an empty row of versions to add one.
func (f sectorForm) withChoices() sectorForm {
	f.Matches, f.VersionChoices, f.Severities = matchChoices, versionChoices, severityChoices
	var rows []rangeRow
	for _, r := range f.Ranges {
		if r.Introduced != "" || r.Fixed != "" || r.LastAffected != "" {
			rows = append(rows, r)
		}
	}
	for len(rows) < 2 || len(rows) < maxRanges && rows[len(rows)-1] != (rangeRow{Index: rows[len(rows)-1].Index}) {
		rows = append(rows, rangeRow{})
	}
	for i := range rows {
		rows[i].Index = i
	}
	f.Ranges = rows
	return f
}

// newSectorForm is the form of a stored advisory.
func newSectorForm(a vigil.SectorAdvisory) sectorForm {
	f := sectorForm{Editing: true, ID: a.ID, Aliases: strings.Join(a.Aliases, ", "), Vendor: a.Vendor,
		VendorAliases: strings.Join(a.VendorAliases, ", "), Product: a.Product, ProductAliases: strings.Join(a.ProductAliases, ", "),
		Match: string(a.Match), Versions: "ranges", Severity: string(a.Severity), CVSS: a.CVSS, Summary: a.Summary,
		Steps: strings.Join(a.Steps, "\n")}
	if a.AnyVersion {
		f.Versions = "any"
	}
	if !a.Published.IsZero() {
		f.Published = a.Published.UTC().Format(time.RFC3339)
	}
	for _, r := range a.Ranges {
		f.Ranges = append(f.Ranges, rangeRow{Introduced: r.Introduced, Fixed: r.Fixed, LastAffected: r.LastAffected})
	}
	return f.withChoices()
}

func readSectorForm(r *http.Request) sectorForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := sectorForm{ID: v("id"), Aliases: v("aliases"), Vendor: v("vendor"), VendorAliases: v("vendor_aliases"),
		Product: v("product"), ProductAliases: v("product_aliases"), Match: v("product_match"), Versions: v("versions"),
		Severity: v("severity"), CVSS: v("cvss"), Summary: v("summary"), Steps: r.PostFormValue("steps"), Published: v("published")}
	for i := range maxRanges {
		at := "range-" + strconv.Itoa(i) + "-"
		f.Ranges = append(f.Ranges, rangeRow{Introduced: v(at + "introduced"), Fixed: v(at + "fixed"), LastAffected: v(at + "last_affected")})
	}
	return f
}

// advisory turns the form into the JSON form the API takes, so that both are checked by
// the same rules; err names the field to fix.
func (f sectorForm) advisory() (vigil.SectorAdvisory, error) {
	j := vuln.SectorAdvisoryJSON{ID: f.ID, Aliases: splitList(f.Aliases), Vendor: f.Vendor, VendorAliases: splitList(f.VendorAliases),
		Product: f.Product, ProductAliases: splitList(f.ProductAliases), ProductMatch: f.Match, AnyVersion: f.Versions == "any",
		Severity: f.Severity, CVSS: f.CVSS, Summary: f.Summary, Steps: splitLines(f.Steps), Published: f.Published}
	if f.Versions != "any" {
		for _, r := range f.Ranges {
			if r.Introduced != "" || r.Fixed != "" || r.LastAffected != "" {
				j.Versions = append(j.Versions, vuln.VersionRangeJSON{Introduced: r.Introduced, Fixed: r.Fixed, LastAffected: r.LastAffected})
			}
		}
	}
	return j.Advisory()
}

// splitList reads a list typed with commas or one to a line.
func splitList(s string) []string {
	return cleanList(strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }))
}

// splitLines reads one entry per line (steps may contain commas).
func splitLines(s string) []string { return cleanList(strings.Split(s, "\n")) }

func cleanList(parts []string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sectorFieldError is the refusal as the form shows it: on the field it names, in words
// without the field's JSON name in front.
func sectorFieldError(err error) fieldError {
	msg := vigil.ErrorMessage(err)
	var fe *vigil.FieldError
	if !errors.As(err, &fe) {
		return fieldError{"id", msg}
	}
	msg = strings.TrimPrefix(msg, fe.Field+": ")
	field := fe.Field
	if i, rest, ok := strings.Cut(strings.TrimPrefix(field, "versions["), "]"); ok && strings.HasPrefix(field, "versions[") {
		part := strings.TrimPrefix(rest, ".")
		if part == "" {
			part = "fixed"
		}
		field = "range-" + i + "-" + part
	}
	switch field { // the form's words where the API's name its fields
	case "versions", "any_version":
		field, msg = "range-0-introduced", "Give the affected versions in the rows below, or choose every version"
	case "product":
		msg = "Enter the product, or choose every product of the vendor"
	case "published", "aliases":
		field = "id"
	}
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return fieldError{field, msg}
}

// sectorAnalyst is the signed-in person when they may write sector advisories: the form
// is no use to anyone else (SaveSectorAdvisory checks the same again).
func (p *Pages) sectorAnalyst(r *http.Request) (vigil.Principal, error) {
	pr, err := p.exposureUser(r)
	if err == nil {
		err = pr.Need(vigil.SectorRoles...)
	}
	return pr, err
}

func (p *Pages) sectorAdvisoryNew(w http.ResponseWriter, r *http.Request) {
	if _, err := p.sectorAnalyst(r); err != nil {
		p.fail(w, r, err)
		return
	}
	form := sectorForm{Match: string(vigil.ProductExact), Versions: "ranges", Severity: "high"}
	p.render(w, r, http.StatusOK, "sector_advisory_new.html", &view{Title: "Write a sector advisory", Data: form.withChoices()})
}

func (p *Pages) sectorAdvisoryCreate(w http.ResponseWriter, r *http.Request) {
	p.saveSector(w, r, true)
}

func (p *Pages) sectorAdvisorySave(w http.ResponseWriter, r *http.Request) {
	p.saveSector(w, r, false)
}

// saveSector writes the advisory of the form (create: a new one) and shows its page
// with how many organisations were checked again and how many it is found at.
func (p *Pages) saveSector(w http.ResponseWriter, r *http.Request, create bool) {
	pr, err := p.sectorAnalyst(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	form := readSectorForm(r)
	form.Editing = !create
	if !create {
		form.ID = r.PathValue("id")
	}
	a, err := form.advisory()
	var out exposure.SectorOutcome
	if err == nil {
		out, err = p.app.Exposure.SaveSectorAdvisory(r.Context(), pr, a, create)
	}
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		page, title := "sector_advisory_new.html", "Write a sector advisory"
		if !create {
			page, title = "sector_advisory.html", form.ID
		}
		d := sectorPageData{Form: form.withChoices()}
		if !create {
			var getErr error
			if d.Advisory, getErr = p.app.Exposure.GetSectorAdvisory(r.Context(), pr, form.ID); getErr != nil {
				p.fail(w, r, getErr)
				return
			}
		}
		var data any = d.Form
		if !create {
			data = d
		}
		p.render(w, r, formStatus(code), page, &view{Title: title, Errors: []fieldError{sectorFieldError(err)}, Data: data})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	done := "sector-advisory-saved"
	if create {
		done = "sector-advisory-written"
	}
	q := url.Values{"done": {done}, "checked": {strconv.Itoa(out.OrgsChecked)}, "found": {strconv.Itoa(out.OrgsFound)}}
	http.Redirect(w, r, "/sector-advisories/"+url.PathEscape(a.ID)+"?"+q.Encode(), http.StatusSeeOther)
}

// sectorPageData is one advisory's page: the advisory, the organisations it is found at
// now, and its edit form (none for the policy's or a withdrawn one).
type sectorPageData struct {
	Advisory exposure.SectorAdvisory
	// Policy is the built-in policy's version when the advisory is one of its entries.
	Policy string
	Found  int
	// FoundText is Found in words ("1 organisation").
	FoundText string
	Form      sectorForm
}

func (p *Pages) sectorAdvisoryDetail(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pol, err := p.app.Exposure.Policy(r.Context(), pr) // the analysts' alone
	if err != nil {
		p.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	var d sectorPageData
	for _, a := range pol.Advisories {
		if a.ID == id {
			d.Advisory, d.Policy = exposure.SectorAdvisory{SectorAdvisory: a}, pol.Version
		}
	}
	if d.Policy == "" {
		if d.Advisory, err = p.app.Exposure.GetSectorAdvisory(r.Context(), pr, id); err != nil {
			p.fail(w, r, err)
			return
		}
		d.Form = newSectorForm(d.Advisory.SectorAdvisory)
	}
	found, err := p.app.Exposure.Vulnerability(r.Context(), pr, id)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		p.fail(w, r, err)
		return
	}
	for _, e := range found {
		if e.FixedAt.IsZero() {
			d.Found++
		}
	}
	d.FoundText = plural(d.Found, "organisation")
	p.render(w, r, http.StatusOK, "sector_advisory.html", &view{Title: id, Done: sectorDone(r.URL.Query()), Data: d})
}

// sectorDone is the banner after a write: what it did, in numbers read from the address
// (nothing else from the address is shown).
func sectorDone(q url.Values) string {
	checked, err := strconv.Atoi(q.Get("checked"))
	if err != nil || checked < 0 {
		return ""
	}
	again := plural(checked, "organisation") + map[bool]string{true: " was", false: " were"}[checked == 1] + " checked again"
	switch q.Get("done") {
	case "sector-advisory-withdrawn":
		return "Sector advisory withdrawn: it matches nothing now. " + again + ", and its alerts resolved as no longer found."
	case "sector-advisory-written", "sector-advisory-saved":
		found, err := strconv.Atoi(q.Get("found"))
		if err != nil || found < 0 {
			return ""
		}
		what := map[bool]string{true: "Sector advisory written. ", false: "Sector advisory saved. "}[q.Get("done") == "sector-advisory-written"]
		return fmt.Sprintf("%s%s; it is found at %s, each with an alert about it.", what, again, plural(found, "organisation"))
	}
	return ""
}

func (p *Pages) sectorAdvisoryWithdrawAsk(w http.ResponseWriter, r *http.Request) {
	pr, err := p.sectorAnalyst(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	a, err := p.app.Exposure.GetSectorAdvisory(r.Context(), pr, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "sector_advisory_withdraw.html", &view{Title: "Withdraw " + a.ID, Data: a})
}

func (p *Pages) sectorAdvisoryWithdraw(w http.ResponseWriter, r *http.Request) {
	pr, err := p.exposureUser(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	out, err := p.app.Exposure.WithdrawSectorAdvisory(r.Context(), pr, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := url.Values{"done": {"sector-advisory-withdrawn"}, "checked": {strconv.Itoa(out.OrgsChecked)}}
	http.Redirect(w, r, "/sector-advisories?"+q.Encode(), http.StatusSeeOther)
}

// rangeWords says which versions a range covers: "from 5.00 up to 5.37 (fixed in 5.37)".
func rangeWords(r vigil.VersionRange) string {
	from := "every version"
	if r.Introduced != "" {
		from = "from " + r.Introduced
	}
	switch {
	case r.Fixed != "":
		return from + ", fixed in " + r.Fixed
	case r.LastAffected != "":
		return from + " up to " + r.LastAffected + " (no fix published)"
	}
	return from + " on (no fix published)"
}
