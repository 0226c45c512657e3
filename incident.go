package vigil

import (
	"slices"
	"strings"
	"time"
)

// IncidentStatus is where an incident is in its handling.
type IncidentStatus string

// The incident lifecycle, in order.
const (
	IncidentNew       IncidentStatus = "new"       // reported; no analyst has looked at it yet
	IncidentTriaged   IncidentStatus = "triaged"   // an analyst has categorised it and taken it on
	IncidentContained IncidentStatus = "contained" // the attack can do no more harm
	IncidentRecovered IncidentStatus = "recovered" // systems and services are back to normal
	IncidentClosed    IncidentStatus = "closed"    // nothing more to do (or a false alarm)
)

// IncidentStatuses lists the statuses in lifecycle order.
var IncidentStatuses = []IncidentStatus{IncidentNew, IncidentTriaged, IncidentContained, IncidentRecovered, IncidentClosed}

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool { return slices.Contains(IncidentStatuses, s) }

// incidentMoves is the incident state machine: where each status may go. Closing early
// is for a false alarm or a duplicate; a closed incident may be reopened as triaged.
var incidentMoves = map[IncidentStatus][]IncidentStatus{
	IncidentNew:       {IncidentTriaged, IncidentClosed},
	IncidentTriaged:   {IncidentContained, IncidentClosed},
	IncidentContained: {IncidentRecovered},
	IncidentRecovered: {IncidentClosed},
	IncidentClosed:    {IncidentTriaged},
}

// CheckMove says whether incident i may move to status to, in words for the analyst
// who asked: leaving new needs an NCSC category; closing early, or reopening, needs a
// note saying why.
func (i Incident) CheckMove(to IncidentStatus, note string) error {
	if !to.Valid() {
		return Errorf(EINVALID, "status %q is not one of new, triaged, contained, recovered, closed", to)
	}
	if !slices.Contains(incidentMoves[i.Status], to) {
		return Errorf(ECONFLICT, "incident %d is %s and cannot become %s: it goes %s", i.ID, i.Status, to, lifecycleWords())
	}
	switch {
	case i.Status == IncidentNew && to == IncidentTriaged && !i.Category.Valid():
		return Errorf(EINVALID, "choose an NCSC category (1–6) before triaging incident %d", i.ID)
	case (to == IncidentClosed && i.Status != IncidentRecovered || i.Status == IncidentClosed) && strings.TrimSpace(note) == "":
		return Errorf(EINVALID, "a note is required to %s incident %d at this point: say why", moveVerb(to), i.ID)
	}
	return nil
}

func moveVerb(to IncidentStatus) string {
	if to == IncidentClosed {
		return "close"
	}
	return "reopen"
}

func lifecycleWords() string {
	s := make([]string, len(IncidentStatuses))
	for i, st := range IncidentStatuses {
		s[i] = string(st)
	}
	return strings.Join(s, " → ")
}

// NCSCCategory is the UK National Cyber Security Centre's incident category, 1 (a
// national cyber emergency) to 6 (a localised incident); 0 is not yet categorised.
type NCSCCategory int

// Valid reports whether c is one of the six categories.
func (c NCSCCategory) Valid() bool { return c >= 1 && c <= 6 }

// Name is the category's name as the NCSC words it.
func (c NCSCCategory) Name() string {
	switch c {
	case 1:
		return "National cyber emergency"
	case 2:
		return "Highly significant incident"
	case 3:
		return "Significant incident"
	case 4:
		return "Substantial incident"
	case 5:
		return "Moderate incident"
	case 6:
		return "Localised incident"
	}
	return "Not categorised"
}

// CareImpact says whether care can still be delivered while the incident lasts.
type CareImpact string

// Answers to "can you still deliver care?".
const (
	CareNormal    CareImpact = "normal"  // care goes on as usual
	CareDisrupted CareImpact = "reduced" // care goes on with workarounds (paper, phone)
	CareStopped   CareImpact = "stopped" // some care cannot be delivered
	CareUnknown   CareImpact = "unknown" // not known yet
)

// Valid reports whether c is a known answer.
func (c CareImpact) Valid() bool {
	return c == CareNormal || c == CareDisrupted || c == CareStopped || c == CareUnknown
}

// The systems and services a report may say are affected, as a care manager names them.
var IncidentSystems = []string{"care_records", "medication", "rota", "email", "phones", "finance", "website", "other"}

// The people and bodies a report may say have been told.
var IncidentTold = []string{"police", "action_fraud", "ico", "cqc", "local_authority", "it_supplier", "insurer", "nhs_england"}

// Answers to "is personal data involved?".
const (
	PersonalDataNo     = "no"
	PersonalDataYes    = "yes"
	PersonalDataUnsure = "unsure"
)

// The rough numbers of people whose data is involved, as the report asks for them.
var PeopleBands = []string{"none", "1-10", "11-100", "101-1000", "over-1000", "unknown"}

// Incident is a cyber or data-security incident an organisation reported, and the
// centre's handling of it.
type Incident struct {
	// ID is the incident's number.
	ID int64
	// Org is the ODS code of the organisation it happened to.
	Org string
	// Summary is the one-line title people see in lists.
	Summary string
	// WhatHappened is the reporter's own account.
	WhatHappened string
	// NoticedAt is when the organisation became aware of it: the 72-hour clock of a
	// reportable breach starts here.
	NoticedAt time.Time
	// Systems are the systems and services affected (IncidentSystems).
	Systems []string
	// Care says whether care can still be delivered.
	Care CareImpact
	// PersonalData is yes, no or unsure: whether personal data is involved.
	PersonalData string
	// People is roughly how many people's data is involved (PeopleBands).
	People string
	// Ransom is true when a ransom was demanded.
	Ransom bool
	// Told are who has been told already (IncidentTold).
	Told []string
	// ContactName is whom the centre should call about it.
	ContactName string
	// ContactPhone is their phone number.
	ContactPhone string
	// ContactEmail is their e-mail address.
	ContactEmail string
	// Status is where it is in its handling.
	Status IncidentStatus
	// Category is the NCSC category an analyst chose; 0 until then.
	Category NCSCCategory
	// Severity is how urgent the analyst judges it; empty until triaged.
	Severity Severity
	// Assignee is the analyst handling it (an e-mail address).
	Assignee string
	// TLP is how far what the report says may be shared; AMBER unless an analyst changes it.
	TLP TLP
	// SharedWithSuppliers lets the organisation's suppliers read it (an analyst decides).
	SharedWithSuppliers bool
	// Breach is the personal-data breach assessment; nil until one is made.
	Breach *BreachAssessment
	// ReportDueAt is when a reportable breach must be reported (72 hours from
	// NoticedAt); zero when there is no such deadline.
	ReportDueAt time.Time
	// ReportChasedAt is when a missed ReportDueAt was chased; zero until then.
	ReportChasedAt time.Time
	// ReportedBy is who reported it.
	ReportedBy string
	// CreatedAt is when it was reported in vigil.
	CreatedAt time.Time
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time
}

// SuggestCategory is the NCSC category the report's answers suggest: the analyst
// decides. A small provider's incident is localised (6), a GP's moderate (5), a
// trust's substantial (4); care that cannot be delivered, a ransom demand, or the data
// of over a thousand people each make it one step more serious. Categories 1 and 2 are
// national decisions, and 3 the most a single organisation's answers can suggest.
func SuggestCategory(kind OrgKind, i Incident) NCSCCategory {
	c := NCSCCategory(6)
	switch kind {
	case OrgGP, OrgSupplier:
		c = 5
	case OrgTrust:
		c = 4
	}
	for _, worse := range []bool{i.Care == CareStopped, i.Ransom, i.People == "over-1000"} {
		if worse {
			c--
		}
	}
	return max(c, 3)
}

// IncidentEntryKind says what an entry of an incident's timeline records.
type IncidentEntryKind string

// What can happen to an incident.
const (
	EntryReported     IncidentEntryKind = "reported"        // it was reported
	EntryTriaged      IncidentEntryKind = "triaged"         // category, severity, assignee or sharing changed
	EntryStatus       IncidentEntryKind = "status"          // its status changed (Note says from and to)
	EntryNote         IncidentEntryKind = "note"            // someone wrote a note
	EntryLinked       IncidentEntryKind = "linked"          // an alert, indicator or organisation was linked
	EntryEvidence     IncidentEntryKind = "evidence"        // a file was added
	EntryBreach       IncidentEntryKind = "breach"          // the breach assessment was made or changed
	EntryDeadline     IncidentEntryKind = "report_missed"   // the 72-hour deadline passed unreported; chased
	EntryExported     IncidentEntryKind = "exported"        // it was exported (national report, STIX, MISP)
	EntryFedBack      IncidentEntryKind = "fed_back"        // its indicators were fed back to hunt for
	EntryBreachReport IncidentEntryKind = "breach_reported" // someone recorded the breach as reported to the national service
)

// IncidentEntry is one entry of an incident's timeline, oldest first.
type IncidentEntry struct {
	// ID orders the entries.
	ID int64
	// Incident is the incident's number.
	Incident int64
	// At is when it happened.
	At time.Time
	// Kind says what happened.
	Kind IncidentEntryKind
	// By is who did it; "system" for what vigil did.
	By string
	// Note is what they wrote, or what vigil recorded.
	Note string
}

// IncidentLinkKind is what a link of an incident points at.
type IncidentLinkKind string

// What an incident may be linked to.
const (
	LinkAlert     IncidentLinkKind = "alert"     // an alert (Ref is its number)
	LinkIndicator IncidentLinkKind = "indicator" // an indicator or observable (Ref is type:value)
	LinkOrg       IncidentLinkKind = "org"       // another organisation affected (Ref is its ODS code)
)

// Valid reports whether k is a known link kind.
func (k IncidentLinkKind) Valid() bool { return k == LinkAlert || k == LinkIndicator || k == LinkOrg }

// IncidentLink ties an incident to an alert, an indicator or observable, or another
// organisation.
type IncidentLink struct {
	// ID is the link's number.
	ID int64
	// Incident is the incident's number.
	Incident int64
	// Kind is what it points at.
	Kind IncidentLinkKind
	// Ref is the alert's number, the indicator as type:value, or the ODS code.
	Ref string
	// TLP is how far an indicator may be shared: exports leave out what is stricter
	// than the marking asked for.
	TLP TLP
	// Note says why it is linked.
	Note string
	// AddedBy is who linked it.
	AddedBy string
	// AddedAt is when.
	AddedAt time.Time
}

// IndicatorRef splits an indicator link's Ref into its type and value.
func (l IncidentLink) IndicatorRef() (IndicatorType, string, bool) {
	t, v, ok := strings.Cut(l.Ref, ":")
	return IndicatorType(t), v, ok && l.Kind == LinkIndicator
}

// Evidence is a file attached to an incident. Its content is kept as sent and only
// ever downloaded as an attachment, never shown or run.
type Evidence struct {
	// ID is the file's number.
	ID int64
	// Incident is the incident's number.
	Incident int64
	EvidenceFile
}

// IncidentFilter selects incidents; zero fields match everything.
type IncidentFilter struct {
	// Org matches one organisation's incidents.
	Org string
	// Status matches incidents in that state.
	Status IncidentStatus
	// Category matches one NCSC category.
	Category NCSCCategory
	// Assignee matches the incidents an analyst handles.
	Assignee string
	// Open matches incidents that are not closed.
	Open bool
	// Sort is newest (default), oldest, category or status.
	Sort string
	// Audience keeps the list to what the caller may see; nil is everything.
	Audience *Audience
	// Cursor continues a previous page.
	Cursor string
	// Limit is the page size (DefaultLimit when 0, at most MaxLimit).
	Limit int
}

// IncidentSorts are the orders an incident list may take.
var IncidentSorts = []string{"newest", "oldest", "category", "status"}

// FieldProblem is one part of a form or request that needs changing.
type FieldProblem struct {
	// Field names the part, as the form and the API name it.
	Field string
	// Message says what to change.
	Message string
}

// InvalidFields is an input refused for one or more of its parts, each named, so that
// a form can mark every field to fix at once and keep what was typed.
type InvalidFields struct {
	// Problems are the parts to fix, in the form's order.
	Problems []FieldProblem
}

// Error implements error.
func (e *InvalidFields) Error() string { return e.Unwrap().Error() }

// Unwrap is the problems as one invalid *Error, so that doors map it like any other.
func (e *InvalidFields) Unwrap() error {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return &Error{Code: EINVALID, Message: strings.Join(msgs, "; ")}
}

// For returns the message for field, or "".
func (e *InvalidFields) For(field string) string {
	for _, p := range e.Problems {
		if p.Field == field {
			return p.Message
		}
	}
	return ""
}

// SeesIncident reports whether the audience may see incident i: the sector every one;
// an organisation its own (a member who is not a named recipient not those marked
// TLP:RED); a supplier its customers' that an analyst shared with suppliers, unless
// marked TLP:AMBER+STRICT or TLP:RED.
func (a Audience) SeesIncident(i Incident) bool {
	if a.customer(i.Org) && (a.Own == "" || i.Org != a.Own) {
		return i.SharedWithSuppliers && a.Sees(i.Org, i.TLP)
	}
	return a.Sees(i.Org, i.TLP)
}
