package vigil_test

import (
	"testing"

	"github.com/vigil-health/vigil"
)

// TestVEXStatement checks what a statement needs and when it closes a finding.
func TestVEXStatement(t *testing.T) {
	base := vigil.VEXStatement{Vulnerability: "CVE-2021-44228", Name: "org.apache.logging.log4j:log4j-core", Ecosystem: "Maven", Status: vigil.VEXNotAffected, Justification: "component_not_present"}
	tests := []struct {
		name   string
		edit   func(*vigil.VEXStatement)
		field  string
		closes bool
	}{
		{"not affected with a justification", func(*vigil.VEXStatement) {}, "", true},
		{"not affected with only an impact statement", func(s *vigil.VEXStatement) { s.Justification, s.Note = "", "not loaded" }, "", true},
		{"not affected saying nothing why", func(s *vigil.VEXStatement) { s.Justification = "" }, "justification", false},
		{"fixed", func(s *vigil.VEXStatement) { s.Status = vigil.VEXFixed }, "", true},
		{"affected", func(s *vigil.VEXStatement) { s.Status = vigil.VEXAffected }, "", false},
		{"unknown status", func(s *vigil.VEXStatement) { s.Status = "unaffected" }, "status", false},
		{"no vulnerability", func(s *vigil.VEXStatement) { s.Vulnerability = " " }, "vulnerability", true},
		{"no product", func(s *vigil.VEXStatement) { s.Name = "" }, "product", true},
	}
	for _, tt := range tests {
		s := base
		tt.edit(&s)
		err := s.Validate()
		fe, _ := err.(*vigil.FieldError)
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.field != "" && (fe == nil || fe.Field != tt.field):
			t.Errorf("%s: got %v, want a FieldError on %s", tt.name, err, tt.field)
		case tt.field == "" && s.Closes() != tt.closes:
			t.Errorf("%s: Closes() = %v, want %v", tt.name, s.Closes(), tt.closes)
		}
	}
	if !base.Names([]string{"GHSA-jfh8-c2jp-5v3q", "cve-2021-44228"}) || base.Names([]string{"CVE-2021-45046"}) {
		t.Error("Names: want the statement's ID matched by any alias, ignoring case, and no other")
	}
}
