package cli

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/vigil-health/vigil"
)

type incidentCmd struct {
	Report incidentReportCmd `cmd:"" help:"Report an incident for an organisation, from flags or a JSON file (the fields of POST /api/v1/incidents), as the sector centre (audited as cli). Every field to fix is listed; exit status 2."`
	List   incidentListCmd   `cmd:"" help:"List incidents, newest first: number, organisation, status, NCSC category, breach deadline and summary."`
}

type incidentReportCmd struct {
	serverFlags
	File         string   `name:"file" placeholder:"FILE" type:"existingfile" help:"A JSON file holding the report; flags given as well override its fields."`
	Org          string   `name:"org" placeholder:"ODS" help:"ODS code of the organisation it happened to."`
	Summary      string   `help:"A short title."`
	What         string   `name:"what" help:"What happened, in your own words."`
	Noticed      string   `name:"noticed" placeholder:"WHEN" help:"When it was noticed: 2026-03-02T14:05 (UK time) or RFC 3339."`
	Systems      []string `name:"system" help:"A system or service affected (repeat): care_records, medication, rota, email, phones, finance, website, other."`
	Care         string   `help:"Can care still be delivered? normal, reduced, stopped or unknown."`
	PersonalData string   `name:"personal-data" help:"Is personal data involved? yes, no or unsure."`
	People       string   `help:"Roughly how many people's data: 1-10, 11-100, 101-1000, over-1000 or unknown."`
	Ransom       bool     `help:"A ransom was demanded."`
	Told         []string `name:"told" help:"Who has been told (repeat): police, action_fraud, ico, cqc, local_authority, it_supplier, insurer, nhs_england."`
	Contact      string   `help:"Whom the centre should contact."`
	Phone        string   `help:"Their phone number."`
	Email        string   `help:"Their e-mail address."`
}

func (c *incidentReportCmd) Run(e *env) error {
	r, err := c.report()
	if err != nil {
		return err
	}
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	inc, err := a.Incidents.Report(e.ctx, vigil.CommandLine, r)
	if bad, ok := err.(*vigil.InvalidFields); ok {
		for _, p := range bad.Problems {
			fmt.Fprintf(e.stdout, "  %s: %s\n", p.Field, p.Message)
		}
		return usageErrorf("the report was not filed: %d field(s) to fix (listed above)", len(bad.Problems))
	}
	if err != nil {
		return storeError(err)
	}
	fmt.Fprintf(e.stdout, "reported incident %d for %s: %s\n", inc.ID, inc.Org, inc.Summary)
	return nil
}

// report is the report the file and flags make together.
func (c *incidentReportCmd) report() (vigil.IncidentReport, error) {
	var r vigil.IncidentReport
	if c.File != "" {
		f, err := os.Open(c.File)
		if err != nil {
			return r, usageErrorf("%v", unwrapPathErr(err))
		}
		defer f.Close()
		if r, err = vigil.DecodeIncidentReport(f, c.File); err != nil {
			return r, usageErrorf("%s", vigil.ErrorMessage(err))
		}
	}
	for _, s := range []struct {
		flag string
		to   *string
	}{{c.Org, &r.Org}, {c.Summary, &r.Summary}, {c.What, &r.WhatHappened}, {c.Noticed, &r.NoticedAt}, {c.Care, &r.Care},
		{c.PersonalData, &r.PersonalData}, {c.People, &r.People}, {c.Contact, &r.ContactName}, {c.Phone, &r.ContactPhone},
		{c.Email, &r.ContactEmail}} {
		if s.flag != "" {
			*s.to = s.flag
		}
	}
	if len(c.Systems) > 0 {
		r.Systems = c.Systems
	}
	if len(c.Told) > 0 {
		r.Told = c.Told
	}
	r.Ransom = r.Ransom || c.Ransom
	return r, nil
}

type incidentListCmd struct {
	serverFlags
	Org    string `name:"org" placeholder:"ODS" help:"Only this organisation's incidents."`
	Status string `enum:",new,triaged,contained,recovered,closed" default:"" help:"Only incidents in this status."`
	Open   bool   `help:"Only incidents not closed."`
	Limit  int    `default:"50" help:"How many at most (up to 1000)."`
}

func (c *incidentListCmd) Run(e *env) error {
	a, closeStore, err := c.openApp(e)
	if err != nil {
		return err
	}
	defer closeStore()
	list, _, err := a.Incidents.List(e.ctx, vigil.CommandLine, vigil.IncidentFilter{Org: c.Org,
		Status: vigil.IncidentStatus(c.Status), Open: c.Open, Limit: c.Limit})
	if err != nil {
		return storeError(err)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tORG\tSTATUS\tCATEGORY\tREPORT DUE\tSUMMARY")
	for _, i := range list {
		due := "-"
		if !i.ReportDueAt.IsZero() {
			due = i.ReportDueAt.Format("2006-01-02 15:04Z")
		}
		cat := "-"
		if i.Category.Valid() {
			cat = fmt.Sprint(int(i.Category))
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", i.ID, i.Org, i.Status, cat, due, oneLine(i.Summary))
	}
	return w.Flush()
}

// oneLine keeps a table row on one line, whatever was typed.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
