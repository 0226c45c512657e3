package vigil

import "time"

// AlertGroup is one problem seen at several organisations, as a supplier looks at its
// customers: the alerts of one kind about the same indicator, or, for alerts without
// one, with the same title.
type AlertGroup struct {
	// Kind says what raised the alerts.
	Kind AlertKind
	// Problem is what the alerts share: the indicator, or the title when they have none.
	Problem string
	// Title is one of the alerts' titles, to name the problem in words.
	Title string
	// Severity is the highest severity among the alerts.
	Severity Severity
	// Orgs is how many organisations have one of the alerts.
	Orgs int
	// Alerts is how many alerts the group holds.
	Alerts int
	// LastSeen is when the problem was last seen at any of them.
	LastSeen time.Time
	// Members are the group's alerts, newest first, at most AlertGroupMembers of them.
	Members []Alert
}

// AlertGroupMembers caps the alerts an AlertGroup lists; Alerts still counts them all.
const AlertGroupMembers = 100

// AlertGroupFilter selects the alerts to group; zero fields match every unresolved alert.
type AlertGroupFilter struct {
	// IncludeResolved groups resolved alerts too.
	IncludeResolved bool
	// Audience, when set, keeps the groups to the alerts it may see, in the query.
	Audience *Audience
	// Cursor continues a previous page.
	Cursor string
	// Limit is the number of groups a page holds (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// OrgAlertCount is how many unresolved alerts one organisation has.
type OrgAlertCount struct {
	// Org is the organisation's ODS code.
	Org string
	// Open counts the alerts nobody has acknowledged yet.
	Open int
	// Acknowledged counts those being dealt with.
	Acknowledged int
}
