package pages

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/api"
)

// view is what every page template gets: the layout's parts and the page's own Data.
type view struct {
	// Title says where the person is; the layout adds " – vigil".
	Title string
	// Me is the signed-in person; nil on the sign-in page.
	Me *vigil.Principal
	// Nav is the menu for Me's role.
	Nav []navItem
	// Done is the confirmation of what the last form did, shown in a banner.
	Done string
	// Errors are the problems with a form, for its error summary.
	Errors []fieldError
	// Data is the page's own content.
	Data any
	// Refresh, when set, reloads the page every so many seconds (a job's progress).
	Refresh int
}

// navItem is one entry of the header's menu.
type navItem struct {
	Text, Href string
	Current    bool
}

// fieldError is one problem with a form: the field it is about (its id) and what to do.
type fieldError struct {
	Field, Text string
}

// fill sets the parts of v that come from the request: who is signed in, the menu, and
// the banner a redirect after a form asked for.
func (v *view) fill(r *http.Request) {
	if p, ok := api.PrincipalFrom(r.Context()); ok && p.UserID != 0 {
		v.Me = &p
		v.Nav = menu(p, r.URL.Path)
	}
	if v.Done == "" {
		v.Done = doneMessages[r.URL.Query().Get("done")]
	}
}

// doneMessages are the confirmations a redirect may ask for by key (?done=…), so that
// no text from the address is ever shown.
var doneMessages = map[string]string{
	"acknowledged": "Alert acknowledged. The sector centre can see that you are dealing with it.",
	"resolved":     "Alert resolved. Thank you: your note is kept with the alert.",
	"signed-out":   "You have signed out.",
	// Your account and your organisation.
	"password-changed": "Your password has been changed. You have been signed out everywhere else.",
	"token-revoked":    "The token has been revoked: it no longer works.",
	"asset-pending":    "Address added. It is waiting for approval by the sector centre: vigil starts watching it once they approve it.",
	"asset-overlap": "Address added. Another organisation has registered the same or an overlapping address, so the sector centre " +
		"will check which of you it belongs to before vigil starts watching it.",
	"asset-active":    "That address is already registered and vigil is watching it.",
	"asset-removed":   "Address removed: vigil no longer watches it for your organisation.",
	"contact-added":   "Contact added.",
	"contact-changed": "Contact changed.",
	"contact-removed": "Contact removed.",

	"feed-added":                     "Feed added. It is pulled within a minute, then on its schedule.",
	"feed-saved":                     "Feed saved. New markings and grades apply from its next pull.",
	"feed-saved-credentials-dropped": "Feed saved. Its address moved to another host, so the stored credentials were removed: enter them again if the new address needs them.",
	"feed-pulled":                    "Feed pulled.",
	"feed-pull-failed":               "The pull failed: the feed keeps its previous indicators. The last error below says why.",
	"feed-deleted":                   "Feed deleted, and its indicators withdrawn unless another source holds them.",
	"user-disabled":                  "Account disabled. The person is signed out and cannot sign in or use their tokens.",
	"user-enabled":                   "Account enabled. The person can sign in again.",
	// The sector centre's pages (orgs.go, events.go).
	"asset-added":       "Asset added and approved: events and indicators about it now reach the organisation.",
	"asset-overlaps":    "Asset added and approved. It overlaps another organisation's claim: the overlap is flagged for review.",
	"org-asset-removed": "Asset removed: it no longer routes anything to the organisation.",
	"asset-approved":    "Claim approved: events and indicators about it now reach the organisation.",
	"asset-rejected":    "Claim rejected and removed. Your note is kept in the audit log.",
	"overlap-accepted":  "Overlap accepted. Your note is kept with it.",
	"event-assigned":    "Event assigned: this alert was raised for the organisation and the event left the unrouted list.",
	// Webhooks (webhooks.go).
	"webhook-deleted":        "Webhook deleted: vigil no longer posts to it.",
	"webhook-test-delivered": "Test sent: the webhook answered that it took it.",
	"delivery-retried":       "Delivery put back: vigil tries it again now, and again later if it fails.",
	// Incidents (incidents.go).
	"incident-reported":        "Thank you: your report has been sent to the sector centre. Someone will contact you. You can add to it below.",
	"incident-note":            "Note added to the timeline.",
	"incident-evidence":        "File kept with the incident. Its SHA-256 is shown so that a copy can be checked.",
	"incident-breach":          "Breach assessment saved.",
	"incident-breach-reported": "Recorded as reported to the national reporting service.",
	"incident-triaged":         "Triage saved.",
	"incident-moved":           "Status changed.",
	"incident-linked":          "Link added.",
	"incident-fed-back":        "Indicators added to intel: every organisation is being hunted for them.",
	// Posture and getting help (posture.go, posture_plan.go, support.go).
	"answer-saved":  "Answer saved. The score below includes it.",
	"evidence-kept": "Evidence file kept. It replaces any file kept for this item before.",
	"plan-saved":    "Continuity plan saved. Print it and keep the paper copy where staff can find it.",
	"help-asked":    "Your request has gone to your Local Support Organisation. You will see their reply here.",
	"reply-sent":    "Reply sent.",
	"help-closed":   "Request closed.",
	// Software inventories (inventory.go).
	"inventory-uploaded": "Inventory uploaded. What vigil understood is below; any part it could not read is listed with the inventory.",
	"inventory-deleted":  "Inventory deleted: vigil no longer checks that software for your organisation.",
	// VEX statements (vex.go).
	"vex-deleted": "VEX file deleted. Findings its statements closed are open again, each as a new alert.",
	// A supplier's attestation and the analyst's decision to apply it (supplied.go).
	"attested": "Thank you: vigil has recorded from which version it is fixed. Each customer's finding closes, with your note, " +
		"when their inventory shows that version or a later one.",
	"attestation-applied": "The supplier's customers' findings are closed, each alert with the note shown.",
	// Advisory sources and sector advisories (advisory_sources.go, sector_advisories.go).
	"advisory-source-added":   "Advisory source added. It is pulled within a minute, then on its schedule.",
	"advisory-source-saved":   "Advisory source saved. A source moved to another address is read whole on its next pull.",
	"advisory-pulled":         "Advisory source pulled. What changed, and how many organisations were checked again, is below.",
	"advisory-pull-failed":    "The pull failed: the source keeps its previous data. The last error below says why.",
	"advisory-pull-running":   "The pull is running. This page shows its outcome when it ends.",
	"advisory-source-deleted": "Advisory source deleted, and the records it held removed.",
}

// menu is the header's menu for p, with the entry for path marked current. Each role
// sees the pages it may use; a page still checks access through its use case.
func menu(p vigil.Principal, path string) []navItem {
	var items []navItem
	switch p.Role {
	case vigil.RoleSectorAdmin, vigil.RoleSectorAnalyst:
		items = []navItem{{Text: "Overview", Href: "/"}, {Text: "Alerts", Href: "/alerts"}, {Text: "Incidents", Href: "/incidents"},
			{Text: "Organisations", Href: "/orgs"}, {Text: "Exposure", Href: "/exposure"}, {Text: "Feeds", Href: "/feeds"},
			{Text: "Indicators", Href: "/indicators"}, {Text: "Sightings", Href: "/sightings"},
			{Text: "Reports", Href: "/reports"}}
		if p.Role == vigil.RoleSectorAdmin { // the audit log and accounts are the admin's alone
			items = append(items, navItem{Text: "Audit log", Href: "/audit"}, navItem{Text: "People", Href: "/users"})
		}
	case vigil.RoleSupplier:
		items = []navItem{{Text: "Home", Href: "/"}, {Text: "Alerts", Href: "/alerts"},
			{Text: "Customers", Href: "/customers"}, {Text: "Vulnerabilities", Href: "/vulnerabilities"}}
	default:
		items = []navItem{{Text: "What to do", Href: "/"}, {Text: "Alerts", Href: "/alerts"},
			{Text: "Incidents", Href: "/incidents"}, {Text: "Your organisation", Href: "/organisation"}}
	}
	if p.Need(vigil.AlertWorkers...) == nil { // the messages sent to an organisation (notifications.go)
		items = append(items, navItem{Text: "Messages", Href: "/notifications"})
	}
	if p.Need(vigil.AlertWorkers...) == nil { // posture and help requests (posture.go, support.go)
		items = append(items, navItem{Text: "Posture", Href: "/posture"}, navItem{Text: "Help", Href: "/support"})
	}
	if p.Role == vigil.RoleSectorAdmin || p.Role == vigil.RoleOrgAdmin { // who may manage webhooks (webhooks.go)
		items = append(items, navItem{Text: "Webhooks", Href: "/webhooks"})
	}
	items = append(items, navItem{Text: "Your account", Href: "/account"})
	for i := range items {
		h := items[i].Href
		items[i].Current = path == h || (h != "/" && strings.HasPrefix(path, h+"/")) || h == "/exposure" && exposurePage(path)
	}
	return items
}

// exposurePage reports whether path is one of the pages reached from Exposure, which
// keep the menu short by sitting under it.
func exposurePage(path string) bool {
	for _, p := range []string{"/advisory-sources", "/sector-advisories"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// funcs are the helpers templates use to say things the way people do.
var funcs = template.FuncMap{
	"date":      formatDate,
	"severity":  severityTag,
	"tlp":       tlpTag,
	"status":    statusName,
	"kind":      kindName,
	"role":      roleName,
	"countdown": countdown,
	"took":      took,
	"duration":  span,
	"happened":  happened,
	"query":     withQuery,
	"join":      strings.Join,
	"plain":     vigil.PlainLabels, // labels as a sentence shows them, without MISP taxonomy tags
	"dict":      dict,
	// The sector centre's pages (overview.go, orgs.go).
	"num":       formatNum,
	"counted":   counted, // "1 indicator", "2 indicators"
	"feedState": feedState,
	"orgKind":   orgKindName,
	"assetKind": assetKindName,
	// Posture and getting help (posture.go, support.go).
	"postureStatus": statusTag,
	"day":           formatDay,
	"add":           func(a, b int) int { return a + b },
	"grade":         gradeTag,
	"supportStatus": supportTag,
	// Vulnerability exposure (exposure.go, vex.go).
	"epss":       epssWords,
	"vexStatus":  vexStatusWords,
	"rangeWords": rangeWords, // sector advisories (sector_advisories.go)
}

// dict makes a map from key, value pairs, to hand a partial template several values.
func dict(pairs ...any) map[string]any {
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[fmt.Sprint(pairs[i])] = pairs[i+1]
	}
	return m
}

// formatDate writes a time as people in the UK do, in UTC: "6 Dec 2026, 18:04 UTC".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// tag is an NHS.UK tag: its words and its colour class (the words always say it all).
type tag struct{ Text, Class string }

func severityTag(s vigil.Severity) tag {
	switch s {
	case vigil.SeverityCritical:
		return tag{"Critical", "nhsuk-tag--red"}
	case vigil.SeverityHigh:
		return tag{"High", "nhsuk-tag--orange"}
	case vigil.SeverityMedium:
		return tag{"Medium", "nhsuk-tag--yellow"}
	}
	return tag{"Low", "nhsuk-tag--grey"}
}

func tlpTag(t vigil.TLP) tag {
	c := map[vigil.TLP]string{vigil.TLPRed: "nhsuk-tag--red", vigil.TLPAmberStrict: "nhsuk-tag--orange",
		vigil.TLPAmber: "nhsuk-tag--orange", vigil.TLPGreen: "nhsuk-tag--green"}[t]
	if t == "" {
		return tag{"TLP not set", "nhsuk-tag--grey"}
	}
	if c == "" {
		c = "nhsuk-tag--white" // CLEAR
	}
	return tag{"TLP:" + string(t), c}
}

func statusName(s vigil.AlertStatus) tag {
	switch s {
	case vigil.AlertOpen:
		return tag{"Needs action", "nhsuk-tag--red"}
	case vigil.AlertAcknowledged:
		return tag{"Being dealt with", "nhsuk-tag--blue"}
	}
	return tag{"Resolved", "nhsuk-tag--green"}
}

func kindName(k vigil.AlertKind) string {
	switch k {
	case vigil.AlertEarlyWarning:
		return "Early warning"
	case vigil.AlertSighting:
		return "Seen in your systems"
	case vigil.AlertRetroHunt:
		return "Found looking back"
	case vigil.AlertVulnerability:
		return "Vulnerable software"
	}
	return string(k)
}

func roleName(r vigil.Role) string {
	return map[vigil.Role]string{vigil.RoleSectorAdmin: "Sector administrator", vigil.RoleSectorAnalyst: "Sector analyst",
		vigil.RoleOrgAdmin: "Organisation administrator", vigil.RoleOrgMember: "Organisation member",
		vigil.RoleSupplier: "Supplier", vigil.RoleSensor: "Sensor"}[r]
}

// countdown says how long is left until due, or how late it is: "2 days 3 hours left",
// "5 hours overdue". Zero due says nothing.
func countdown(due, now time.Time) string {
	if due.IsZero() {
		return ""
	}
	d := due.Sub(now)
	if d < 0 {
		return span(-d) + " overdue"
	}
	return span(d) + " left"
}

// span is a duration in days and hours, or minutes when under an hour.
func span(d time.Duration) string {
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days > 0 && hours > 0:
		return plural(days, "day") + " " + plural(hours, "hour")
	case days > 0:
		return plural(days, "day")
	case hours > 0:
		return plural(hours, "hour")
	}
	return plural(max(int(d/time.Minute), 1), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// withQuery returns the address base with query values set from pairs (key, value, …),
// for links that keep a list's filters while changing one.
func withQuery(base string, q url.Values, pairs ...string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			v.Del(pairs[i])
		} else {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// took says how long it was from one time to a later one: "3 hours", "2 days 1 hour".
func took(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return ""
	}
	return span(to.Sub(from))
}

// happened says what one entry of an alert's history records, in a sentence.
func happened(e vigil.HistoryEntry) string {
	switch e.Kind {
	case vigil.HistoryRaised:
		return "Raised by vigil, " + strings.ToLower(severityTag(e.Severity).Text) + " severity, marked TLP:" + string(e.TLP) + "."
	case vigil.HistoryRepeated:
		return fmt.Sprintf("Seen again: %d times in all.", e.Count)
	case vigil.HistorySeverityRaised:
		return "Made more urgent: now " + strings.ToLower(severityTag(e.Severity).Text) + " severity."
	case vigil.HistoryTLPRaised:
		return "Marked more strictly: now TLP:" + string(e.TLP) + "."
	case vigil.HistoryAcknowledged:
		return "Acknowledged by " + e.By + "."
	case vigil.HistoryResolved:
		return "Resolved by " + e.By + ": " + e.Note
	case vigil.HistoryAckMissed:
		if len(e.To) == 0 {
			return "Not acknowledged by its deadline (" + formatDate(e.DueAt) + "); there was nobody to tell."
		}
		return "Not acknowledged by its deadline (" + formatDate(e.DueAt) + "): vigil told " + strings.Join(e.To, ", ") + "."
	case vigil.HistoryFixOverdue:
		return "Not resolved by its deadline (" + formatDate(e.DueAt) + "): marked overdue for the sector centre."
	}
	return string(e.Kind)
}

// errorOn is err's message as the one error of a form, shown against field and begun
// with a capital as the summary's other messages are.
func errorOn(field string, err error) []fieldError {
	return []fieldError{{field, capitalise(vigil.ErrorMessage(err))}}
}
