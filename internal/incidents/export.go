package incidents

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/intel"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/threatintel"
)

// ReportField is one field of the national report, in the order the reporting tool asks.
type ReportField struct {
	// Key names the field for tools.
	Key string `json:"key"`
	// Label is the question as a person reads it.
	Label string `json:"label"`
	// Value is the answer, ready to paste.
	Value string `json:"value"`
}

// NationalReport is incident id as the national reporting service (the DSPT incident
// reporting tool) asks for it, so that an organisation reports once: the centre, or the
// organisation's administrator. Exporting it is recorded in the timeline.
func (s *Service) NationalReport(ctx context.Context, p vigil.Principal, id int64) ([]ReportField, error) {
	if err := p.Need(assessors...); err != nil {
		return nil, err
	}
	var out []ReportField
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		inc, _, err := visible(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := ownOrSector(p, inc); err != nil {
			return err
		}
		org, err := tx.GetOrg(ctx, inc.Org)
		if err != nil {
			return err
		}
		timeline, err := tx.IncidentEntries(ctx, id)
		if err != nil {
			return err
		}
		out = reportFields(org, inc, timeline)
		return entry(ctx, tx, p, id, vigil.EntryExported, "national report exported", "incident.export",
			map[string]any{"org": inc.Org, "format": "national_report"})
	})
	return out, err
}

// reportFields fills in the national report's fields.
func reportFields(org vigil.Org, i vigil.Incident, timeline []vigil.IncidentEntry) []ReportField {
	f := []ReportField{
		{"organisation_name", "Organisation name", org.Name},
		{"ods_code", "ODS code", org.ODSCode},
		{"reporter_name", "Name of the person reporting", i.ContactName},
		{"reporter_phone", "Telephone", orNotGiven(i.ContactPhone)},
		{"reporter_email", "E-mail", orNotGiven(i.ContactEmail)},
		{"aware_at", "Date and time the organisation became aware of the incident", alerts.When(i.NoticedAt)},
		{"summary", "Summary of the incident", i.Summary},
		{"description", "What happened", i.WhatHappened},
		{"cyber", "Is this a cyber incident?", "Yes"},
		{"ransom", "Has a ransom been demanded?", yesNo(i.Ransom)},
		{"systems", "Systems and services affected", orNotGiven(strings.Join(i.Systems, ", "))},
		{"care_impact", "Impact on the delivery of care", careWords[i.Care]},
		{"personal_data", "Does the incident involve personal data?", i.PersonalData},
		{"data_subjects", "Approximate number of people whose data is involved", i.People},
		{"told", "Who has been told", orNotGiven(strings.Join(i.Told, ", "))},
		{"ncsc_category", "NCSC incident category", categoryWords(i.Category)},
	}
	if b := i.Breach; b != nil {
		f = append(f,
			ReportField{"likelihood", "Likelihood that people's rights have been affected (1–5)", fmt.Sprintf("%d — %s", b.Likelihood, vigil.BreachLikelihoods[b.Likelihood])},
			ReportField{"severity", "Severity of the adverse effect (1–5)", fmt.Sprintf("%d — %s", b.Severity, vigil.BreachSeverities[b.Severity])},
			ReportField{"reportable", "Reportable to the ICO", yesNo(b.Reportable())},
			ReportField{"dhsc", "Department of Health and Social Care to be told", yesNo(b.NotifyDHSC())})
	}
	return append(f, ReportField{"actions", "Actions taken so far", actions(timeline)})
}

var careWords = map[vigil.CareImpact]string{
	vigil.CareNormal: "Care is being delivered as normal", vigil.CareDisrupted: "Care is being delivered with workarounds",
	vigil.CareStopped: "Some care cannot be delivered", vigil.CareUnknown: "Not known yet",
}

func categoryWords(c vigil.NCSCCategory) string {
	if !c.Valid() {
		return "Not categorised yet"
	}
	return fmt.Sprintf("%d — %s", c, c.Name())
}

func yesNo(b bool) string { return map[bool]string{true: "Yes", false: "No"}[b] }

func orNotGiven(s string) string {
	if s == "" {
		return "Not given"
	}
	return s
}

// actions lists the timeline's notes and status changes, one a line.
func actions(timeline []vigil.IncidentEntry) string {
	var lines []string
	for _, e := range timeline {
		if e.Kind == vigil.EntryNote || e.Kind == vigil.EntryStatus {
			lines = append(lines, e.At.UTC().Format("2 Jan 15:04")+" "+e.Note)
		}
	}
	return orNotGiven(strings.Join(lines, "\n"))
}

// ReportText is the national report as plain text, one "Label: value" a field, ready to paste.
func ReportText(fields []ReportField) string {
	var b strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&b, "%s: %s\n", f.Label, f.Value)
	}
	return b.String()
}

// Share formats: a STIX 2.1 bundle or a MISP event.
const (
	FormatSTIX = "stix"
	FormatMISP = "misp"
)

// ShareOut writes incident id's indicators and observables as a STIX 2.1 bundle or a
// MISP event for sharing at marking tlp: nothing marked more strictly leaves, and the
// incident's own words go only when it is marked no more strictly than tlp; the
// organisation is never named. The centre only; recorded in the timeline.
func (s *Service) ShareOut(ctx context.Context, p vigil.Principal, id int64, format string, tlp vigil.TLP) ([]byte, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	if format != FormatSTIX && format != FormatMISP {
		return nil, vigil.Errorf(vigil.EINVALID, "format %q is not stix or misp", format)
	}
	if tlp.Rank() == 0 {
		return nil, vigil.Errorf(vigil.EINVALID, "choose the TLP marking the export may carry: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	}
	var buf bytes.Buffer
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		inc, err := tx.GetIncident(ctx, id)
		if err != nil {
			return err
		}
		links, err := tx.IncidentLinks(ctx, id)
		if err != nil {
			return err
		}
		env, items := s.envelope(inc, links, tlp)
		if err := write(&buf, format, env, items); err != nil {
			return err
		}
		return entry(ctx, tx, p, id, vigil.EntryExported, fmt.Sprintf("%d indicator(s) exported as %s at TLP:%s", len(items), strings.ToUpper(format), tlp),
			"incident.export", map[string]any{"org": inc.Org, "format": format, "tlp": tlp, "indicators": len(items)})
	})
	return buf.Bytes(), err
}

func write(buf *bytes.Buffer, format string, env intel.Envelope, items []intel.Shared) error {
	if format == FormatMISP {
		return intel.WriteMISP(buf, env, items)
	}
	return intel.WriteSTIX(buf, env, items)
}

// envelope is what an export at marking tlp carries of incident inc: its indicator
// links marked no more strictly than tlp, and its title only when inc itself may go.
func (s *Service) envelope(inc vigil.Incident, links []vigil.IncidentLink, tlp vigil.TLP) (intel.Envelope, []intel.Shared) {
	var items []intel.Shared
	marking := vigil.TLPClear
	for _, l := range links {
		t, v, ok := l.IndicatorRef()
		if !ok || l.TLP.Rank() > tlp.Rank() {
			continue
		}
		items = append(items, intel.Shared{Type: t, Value: v, TLP: l.TLP, Note: l.Note})
		marking = vigil.Stricter(marking, l.TLP)
	}
	env := intel.Envelope{Key: "vigil-incident|" + strconv.FormatInt(inc.ID, 10), Producer: s.centre, Created: inc.CreatedAt,
		Modified: inc.UpdatedAt, Name: fmt.Sprintf("Incident %d handled by %s", inc.ID, s.centre)}
	if inc.Category.Valid() {
		env.Labels = []string{fmt.Sprintf("ncsc-category:%d", inc.Category)}
	}
	if inc.TLP.Rank() <= tlp.Rank() {
		env.Name = inc.Summary
		marking = vigil.Stricter(marking, inc.TLP)
	}
	env.TLP = marking
	return env, items
}

// FeedBack feeds incident id's indicators back into vigil's intel (source
// FeedBackSource, each with its own marking) through the intel upload use case, so that
// every organisation's telemetry and assets are hunted for them. The centre only.
func (s *Service) FeedBack(ctx context.Context, p vigil.Principal, id int64) (*intel.Report, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, err
	}
	if s.imp == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "intel uploads are not running on this server")
	}
	inc, err := s.store.GetIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	links, err := s.store.IncidentLinks(ctx, id)
	if err != nil {
		return nil, err
	}
	env, items := s.envelope(inc, links, vigil.TLPRed)
	if len(items) == 0 {
		return nil, vigil.Errorf(vigil.ECONFLICT, "incident %d has no indicators linked: link them first", id)
	}
	var buf bytes.Buffer
	if err := intel.WriteSTIX(&buf, env, items); err != nil {
		return nil, err
	}
	rep, err := s.imp(ctx, p, threatintel.Upload{Source: FeedBackSource, Name: "incident-" + strconv.FormatInt(id, 10) + ".json"}, &buf)
	if err != nil {
		return rep, err
	}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		return entry(ctx, tx, p, id, vigil.EntryFedBack, fmt.Sprintf("%d indicator(s) fed back to hunt for, as source %s", rep.Total, FeedBackSource),
			"incident.feed_back", map[string]any{"org": inc.Org, "indicators": rep.Total})
	})
	return rep, err
}
