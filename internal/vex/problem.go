package vex

import (
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// Problem is a statement of a VEX document that could not be used: the rest of the
// document is kept, and the problem is shown to whoever gave it.
type Problem struct {
	// Location is where in the document ("statements[3]", "vulnerabilities[0].affects[1]").
	Location string `json:"location"`
	// Line is the line the statement starts on.
	Line int `json:"line"`
	// Reason says what is wrong, in words the author can act on.
	Reason string `json:"reason"`
}

// String is "statements[3] (line 40): reason".
func (p Problem) String() string {
	return fmt.Sprintf("%s (line %d): %s", p.Location, p.Line, p.Reason)
}

// Document is what one VEX file says.
type Document struct {
	// Format is "OpenVEX" or "CycloneDX".
	Format string
	// ID is the document's own ID (OpenVEX @id, CycloneDX serialNumber), when it gives one.
	ID string
	// Author is who wrote it (OpenVEX author, CycloneDX metadata manufacturer or supplier).
	Author string
	// Statements are the usable statements, one per vulnerability × product.
	Statements []vigil.VEXStatement
	// Problems are the statements that could not be used, and why.
	Problems []Problem
}

func (d *Document) problem(loc string, line int, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Location: loc, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// add checks a statement and keeps it, or records why not.
func (d *Document) add(s vigil.VEXStatement, line int) {
	if err := s.Validate(); err != nil {
		d.problem(s.Location, line, "%s", vigil.ErrorMessage(err))
		return
	}
	d.Statements = append(d.Statements, s)
}
