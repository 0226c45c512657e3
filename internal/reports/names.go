package reports

import (
	"github.com/vigil-health/vigil"
)

// The words the report uses for the sector's categories.

func severityNames() []string {
	out := make([]string, len(vigil.Severities))
	for i, s := range vigil.Severities {
		out[i] = string(s)
	}
	return out
}

var kindWords = map[vigil.AlertKind]string{
	vigil.AlertEarlyWarning: "Early warning", vigil.AlertSighting: "Seen in telemetry", vigil.AlertRetroHunt: "Found looking back",
	vigil.AlertVulnerability: "Vulnerable software",
}

func kindName(k vigil.AlertKind) string { return wordOr(kindWords, k) }

func kindNames() []string {
	out := make([]string, len(vigil.AlertKinds))
	for i, k := range vigil.AlertKinds {
		out[i] = kindName(k)
	}
	return out
}

var orgKinds = []vigil.OrgKind{vigil.OrgTrust, vigil.OrgGP, vigil.OrgCareProvider, vigil.OrgSupplier, vigil.OrgCentre}

var orgKindWords = map[vigil.OrgKind]string{
	vigil.OrgTrust: "NHS trust", vigil.OrgGP: "GP practice", vigil.OrgCareProvider: "Care provider",
	vigil.OrgSupplier: "Supplier", vigil.OrgCentre: "Sector centre",
}

func orgKindName(k vigil.OrgKind) string { return wordOr(orgKindWords, k) }

func orgKindNames() []string {
	out := make([]string, len(orgKinds))
	for i, k := range orgKinds {
		out[i] = orgKindName(k)
	}
	return out
}

// regionName is the region as the report shows it; organisations without one are
// grouped together.
func regionName(r string) string {
	if r == "" {
		return "Region not recorded"
	}
	return r
}

// wordOr is words[k], or k itself for a value the report has no word for yet.
func wordOr[K ~string](words map[K]string, k K) string {
	if w, ok := words[k]; ok {
		return w
	}
	return string(k)
}
