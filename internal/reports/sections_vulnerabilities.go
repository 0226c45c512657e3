package reports

import (
	"context"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// vulnerabilitiesSection is the vulnerabilities shared: the vulnerability alerts raised
// in the period by severity and kind of organisation, how many distinct vulnerabilities
// they were about, and the organisations reached, disclosure-controlled.
func vulnerabilitiesSection(ctx context.Context, st *store.Store, per Period) (Section, error) {
	tallies, vulns, err := st.ReportVulnAlerts(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	reached, err := st.OrgsSentVulnAlerts(ctx, per.First, per.End())
	if err != nil {
		return Section{}, err
	}
	registered, err := orgsRegistered(ctx, st, per)
	if err != nil {
		return Section{}, err
	}
	bySeverity := newCounter(orgKindNames(), severityNames())
	for _, t := range tallies {
		bySeverity.add(orgKindName(t.OrgKind), string(t.Severity), t.Count)
	}
	tables, err := publishAll(bySeverity.table("Vulnerability alerts by kind of organisation and severity", true),
		orgTable("Organisations sent at least one vulnerability alert, by region and kind", regionsOf(registered), reached))
	if err != nil {
		return Section{}, err
	}
	figures := []Figure{{Label: "Vulnerability alerts raised", Value: tables[0].Total},
		{Label: "Distinct vulnerabilities (and products of concern) alerted", Value: exact(vulns)},
		{Label: "Organisations sent at least one vulnerability alert", Value: tables[1].Total}}
	for i, sev := range tables[0].Cols {
		if sev == string(vigil.SeverityCritical) || sev == string(vigil.SeverityHigh) {
			figures = append(figures, Figure{Label: "Raised as " + sev, Value: tables[0].ColTotals[i]})
		}
	}
	return Section{ID: "vulnerabilities", Title: "Vulnerabilities shared",
		About: "Vulnerability alerts raised in the period by matching advisories (OSV, sector advisories and the " +
			"products-of-concern policy) against organisations' software inventories: one alert per organisation and " +
			"vulnerability. Counts below the whole sector are disclosure-controlled.",
		Figures: figures, Tables: tables}, nil
}
