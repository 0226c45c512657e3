package vex

import (
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vuln"
)

// justificationWords says each justification in words a care manager understands.
var justificationWords = map[string]string{
	"component_not_present":                             "the vulnerable component is not included",
	"vulnerable_code_not_present":                       "the vulnerable code is not included",
	"vulnerable_code_not_in_execute_path":               "the vulnerable code is never run",
	"vulnerable_code_cannot_be_controlled_by_adversary": "an attacker cannot reach or control the vulnerable code",
	"inline_mitigations_already_exist":                  "protections built into the product already stop it",
	"code_not_present":                                  "the vulnerable code is not included",
	"code_not_reachable":                                "the vulnerable code is never run",
	"requires_configuration":                            "it needs a configuration the product does not use",
	"requires_dependency":                               "it needs another component the product does not include",
	"requires_environment":                              "it needs an environment the product does not run in",
	"protected_by_compiler":                             "the way the product is built protects it",
	"protected_at_runtime":                              "protections while the product runs stop it",
	"protected_at_perimeter":                            "network protections in front of the product stop it",
	"protected_by_mitigating_control":                   "other controls in place stop it",
	"false_positive":                                    "the finding was a false positive",
}

func suppress(f vuln.Finding, s vigil.VEXStatement) Suppressed {
	return Suppressed{Finding: f, VEXStatus: s.Status, Justification: s.Justification, Reason: Reason(s), Statement: s}
}

// Reason says why a statement closes a finding, and on whose word: "not affected: the
// vulnerable code is never run (vulnerable_code_not_in_execute_path). <impact statement>
// [acme.vex.json statements[0], 2024-05-01]".
func Reason(s vigil.VEXStatement) string {
	var b strings.Builder
	switch s.Status {
	case vigil.VEXFixed:
		b.WriteString("fixed in this version")
	case vigil.VEXNotAffected:
		b.WriteString("not affected")
		if s.Justification != "" {
			if w, ok := justificationWords[s.Justification]; ok {
				fmt.Fprintf(&b, ": %s (%s)", w, s.Justification)
			} else {
				fmt.Fprintf(&b, ": %s", s.Justification)
			}
		}
	default:
		b.WriteString(strings.ReplaceAll(string(s.Status), "_", " "))
	}
	if note := strings.TrimSpace(s.Note); note != "" {
		fmt.Fprintf(&b, ". %s", note)
	}
	where := strings.TrimSpace(s.Source + " " + s.Location)
	if !s.Time.IsZero() {
		where += ", " + s.Time.Format("2006-01-02")
	}
	if where != "" {
		fmt.Fprintf(&b, " [%s]", strings.TrimPrefix(where, ", "))
	}
	return b.String()
}
