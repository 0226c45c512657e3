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
// estimative-language:, admiralty-scale:) stay out of the sentence. The labels themselves
// keep every tag, for severity and for whoever reads the data.
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
var machineTag = regexp.MustCompile(`^([A-Za-z0-9][\w.-]*):([^\s="]+)(?:=(.*))?$`)

// plainLabel is label as a sentence shows it, "" when it stays out (see PlainLabels).
// vigil's own warninglist label is no taxonomy's and reads as it is.
func plainLabel(label string) string {
	label = strings.TrimSpace(label)
	m := machineTag.FindStringSubmatch(label)
	switch {
	case m == nil || strings.HasPrefix(label, WarninglistLabel):
		return label
	case strings.EqualFold(m[1], "misp-galaxy"):
		return strings.TrimSpace(strings.Trim(m[3], `"`))
	}
	return ""
}
