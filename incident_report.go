package vigil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // UK time for the times people type, on servers without a zone database
)

// IncidentReport is an incident as someone reports it: by the guided form, the API or
// the command line. Times and choices arrive as typed; Check reads them.
type IncidentReport struct {
	// Org is the ODS code of the organisation it happened to: an organisation's own
	// people may leave it empty.
	Org string `json:"org,omitempty"`
	// Summary is a one-line title.
	Summary string `json:"summary,omitempty"`
	// WhatHappened is the reporter's account.
	WhatHappened string `json:"what_happened,omitempty"`
	// NoticedAt is when it was noticed: RFC 3339, or "2006-01-02T15:04" (UK time) as a
	// phone's date-and-time picker sends it.
	NoticedAt string `json:"noticed_at,omitempty"`
	// Systems are the systems and services affected (IncidentSystems).
	Systems []string `json:"systems,omitempty"`
	// Care is normal, reduced, stopped or unknown.
	Care string `json:"care,omitempty"`
	// PersonalData is yes, no or unsure.
	PersonalData string `json:"personal_data,omitempty"`
	// People is roughly how many people's data (PeopleBands); needed when PersonalData is yes.
	People string `json:"people,omitempty"`
	// Ransom is true when a ransom was demanded.
	Ransom bool `json:"ransom,omitempty"`
	// Told are who has been told already (IncidentTold).
	Told []string `json:"told,omitempty"`
	// ContactName is whom the centre should call.
	ContactName string `json:"contact_name,omitempty"`
	// ContactPhone is their phone number.
	ContactPhone string `json:"contact_phone,omitempty"`
	// ContactEmail is their e-mail address.
	ContactEmail string `json:"contact_email,omitempty"`
}

// ukTime is where the times people type without a zone are read: the sector is British.
var ukTime = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ParseWhen reads a time as a person or a tool gives it: RFC 3339, or a date and time
// in UK time ("2025-03-01T14:05", "2025-03-01 14:05"), or a date alone (its midnight).
func ParseWhen(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, ukTime); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// reportChecks collects the problems of a report, field by field.
type reportChecks struct{ problems []FieldProblem }

func (c *reportChecks) add(field, msg string) {
	c.problems = append(c.problems, FieldProblem{field, msg})
}

// text checks a free-text field and returns it tidied.
func (c *reportChecks) text(field, label, s string, max int, required bool) string {
	out, err := Text(label, s, max, false)
	switch {
	case err != nil:
		c.add(field, ErrorMessage(err))
	case required && out == "":
		c.add(field, "Enter "+label)
	}
	return out
}

// choices checks a set of ticked choices against those offered, in the offered order.
func (c *reportChecks) choices(field string, got, offered []string) []string {
	var out []string
	for _, g := range got {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if !slices.Contains(offered, g) {
			c.add(field, "Choose from "+strings.Join(offered, ", ")+", not "+quote(g))
			return nil
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return slices.Index(offered, a) - slices.Index(offered, b) })
	return out
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\u201c" + s + "\u201d"
}

// Check reads and checks a report made at now, returning the incident it describes
// (status new, marked TLP:AMBER) or an *InvalidFields naming every part to change. The
// organisation is the caller's to check.
func (r IncidentReport) Check(now time.Time) (Incident, error) {
	var c reportChecks
	i := Incident{Status: IncidentNew, TLP: TLPAmber, Ransom: r.Ransom}
	i.Summary = c.text("summary", "a short title, such as \u201cEmails asking staff for passwords\u201d", r.Summary, 200, true)
	i.WhatHappened = c.text("what_happened", "what happened, in your own words", r.WhatHappened, 8000, true)
	i.NoticedAt = c.noticed(r.NoticedAt, now)
	i.Systems = c.choices("systems", r.Systems, IncidentSystems)
	if i.Care = CareImpact(strings.TrimSpace(r.Care)); !i.Care.Valid() {
		c.add("care", "Say whether you can still deliver care: normal, reduced, stopped or unknown")
	}
	i.PersonalData, i.People = c.personal(r.PersonalData, r.People)
	i.Told = c.choices("told", r.Told, IncidentTold)
	i.ContactName = c.text("contact_name", "the name of the person we should contact", r.ContactName, 200, true)
	i.ContactPhone, i.ContactEmail = c.contact(r.ContactPhone, r.ContactEmail)
	if len(c.problems) > 0 {
		return Incident{}, &InvalidFields{Problems: c.problems}
	}
	return i, nil
}

// noticed checks when the incident was noticed: a time that has come, within the last year.
func (c *reportChecks) noticed(s string, now time.Time) time.Time {
	if strings.TrimSpace(s) == "" {
		c.add("noticed_at", "Enter when you noticed it: the date and the time, roughly")
		return time.Time{}
	}
	t, ok := ParseWhen(s)
	switch {
	case !ok:
		c.add("noticed_at", "Enter when you noticed it as a date and time, for example 2025-03-01T14:05")
	case t.After(now.Add(5 * time.Minute)):
		c.add("noticed_at", "When you noticed it must be now or in the past")
	case t.Before(now.AddDate(-1, 0, 0)):
		c.add("noticed_at", "When you noticed it must be within the last year")
	}
	return t
}

// personal checks whether personal data is involved and for roughly how many people.
func (c *reportChecks) personal(data, people string) (string, string) {
	data, people = strings.TrimSpace(data), strings.TrimSpace(people)
	switch data {
	case PersonalDataNo:
		return data, "none"
	case PersonalDataYes, PersonalDataUnsure:
	default:
		c.add("personal_data", "Say whether personal data is involved: yes, no or unsure")
		return data, people
	}
	if people == "" {
		people = "unknown"
	}
	if !slices.Contains(PeopleBands, people) || data == PersonalDataYes && people == "none" {
		c.add("people", "Choose roughly how many people: 1-10, 11-100, 101-1000, over-1000 or unknown")
	}
	return data, people
}

// contact checks the phone number and e-mail address: at least one, each well formed.
func (c *reportChecks) contact(phone, email string) (string, string) {
	phone, email = strings.TrimSpace(phone), strings.TrimSpace(email)
	if phone == "" && email == "" {
		c.add("contact_phone", "Enter a phone number or an e-mail address we can reach you on")
		return "", ""
	}
	if phone != "" && !phoneLike(phone) {
		c.add("contact_phone", "Enter a phone number using digits, spaces and + only, such as 0161 496 0000")
	}
	if email != "" {
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || len(email) > 254 {
			c.add("contact_email", "Enter an e-mail address in the right format, such as name@example.org")
		}
	}
	return phone, email
}

func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '(' || r == ')':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

// MaxReportFileBytes caps an incident report read from a file: a report is a few
// kilobytes, so anything far larger is not one.
const MaxReportFileBytes = 1 << 20

// DecodeIncidentReport reads one incident report as JSON (the fields of IncidentReport),
// refusing unknown fields, trailing data and files over MaxReportFileBytes; a syntax
// error names its line and column in file.
func DecodeIncidentReport(r io.Reader, file string) (IncidentReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxReportFileBytes+1))
	if err != nil {
		return IncidentReport{}, fmt.Errorf("read %s: %w", file, err)
	}
	if len(data) > MaxReportFileBytes {
		return IncidentReport{}, Errorf(EINVALID, "%s is larger than %d bytes: it is not one incident report", file, MaxReportFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep IncidentReport
	if err := dec.Decode(&rep); err != nil {
		return IncidentReport{}, Errorf(EINVALID, "%s: %s", file, jsonProblem(data, err, dec.InputOffset()))
	}
	if dec.More() {
		return IncidentReport{}, Errorf(EINVALID, "%s: %s: one report per file", file, where(data, dec.InputOffset()))
	}
	return rep, nil
}

// jsonProblem says what is wrong with a JSON document and where.
func jsonProblem(data []byte, err error, offset int64) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return where(data, syn.Offset-1) + ": " + syn.Error()
	case errors.As(err, &typ):
		return where(data, typ.Offset) + ": " + typ.Field + " must be " + typ.Type.String() + ", not a JSON " + typ.Value
	case errors.Is(err, io.EOF):
		return "the file is empty: write the report as a JSON object"
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if i := bytes.Index(data, []byte(name)); i >= 0 {
			offset = int64(i)
		}
		return where(data, offset) + ": " + name + " is not a field of an incident report"
	}
	return where(data, offset) + ": " + err.Error()
}

// where is "line L, column C" of byte offset off in data.
func where(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int64(len(before)) - int64(bytes.LastIndexByte(before, '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}
