package vigil

import (
	"regexp"
	"slices"
	"strings"
)

// PlainLabels are labels as an analyst writes them in a sentence ("listed by abuse.ch as
// botnet, emotet"), each once. A MISP machine tag (namespace:predicate or
// namespace:predicate="value") is a taxonomy's tag on the report, not what the indicator
// is listed as: a galaxy cluster's reads as the cluster's name
// (misp-galaxy:threat-actor="APT28" as APT28); the others (tlp: markings, type:OSINT,
// estimative-language:, admiralty-scale:) stay out of the sentence. An antivirus
// detection name has a colon too and reads as it is (Trojan:Win32/Emotet.A): it says
// what the indicator is. The labels themselves keep every tag, for severity and for
// whoever reads the data.
func PlainLabels(labels []string) []string {
	var out []string
	for _, lb := range labels {
		if p := plainLabel(lb); p != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, p) }) {
			out = append(out, p)
		}
	}
	return out
}

// machineTag is a MISP machine tag: its namespace, predicate and, when it has one, value.
// MISP's namespaces are letters, digits, '-' and '_', most in lower case but some not
// (PAP, DML, CERT-XLM, GrayZone), and feeds capitalise others (TLP:RED, Type:OSINT).
var machineTag = regexp.MustCompile(`^([A-Za-z0-9][\w.-]*):([^\s="]+)(?:=(.*))?$`)

// detectionName is an antivirus detection name, which has a machine tag's shape but no
// taxonomy's: a capitalised type, a colon, then a name with a '/' or '.' in it, as
// Microsoft (Trojan:Win32/Emotet.A, HackTool:MSIL/Rubeus!MTB) and Kaspersky
// (HEUR:Trojan.Win32.Generic) write them. No MISP taxonomy tag has that shape: the
// namespaces that start with a capital (PAP, DML, GrayZone) have plain predicates, and
// the few predicates with a '/' or '.' are in lower-case namespaces (euci:S-UE/EU-S).
var detectionName = regexp.MustCompile(`^[A-Z][A-Za-z]*:[A-Za-z0-9]+[/.][^\s="]+$`)

// plainLabel is label as a sentence shows it, "" when it stays out (see PlainLabels).
// vigil's own warninglist label and a detection name are no taxonomy's and read as they are.
func plainLabel(label string) string {
	label = strings.TrimSpace(label)
	m := machineTag.FindStringSubmatch(label)
	switch {
	case m == nil || strings.HasPrefix(label, WarninglistLabel) || detectionName.MatchString(label):
		return label
	case strings.EqualFold(m[1], "misp-galaxy"):
		if name := strings.TrimSpace(strings.Trim(m[3], `"`)); !bareID.MatchString(name) {
			return name
		}
	}
	return ""
}

// bareID is a UUID, which some galaxies give as a cluster's value
// (misp-galaxy:eset-threat-actor="bb3ab4f3-…"): it names nothing a reader knows.
var bareID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
