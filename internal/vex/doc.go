// Package vex reads and writes VEX (Vulnerability Exploitability eXchange) statements, in
// OpenVEX (v0.2.0, and v0.0.1's shorter spellings) and CycloneDX VEX (1.4–1.6), and applies
// them to vulnerability findings: a supplier's "not affected, because…" suppresses a
// finding (kept visible with the reason), "fixed" closes it.
//
// Everything here is a pure function over domain values: documents in, statements out;
// findings and statements in, open and suppressed findings out. Nothing is kept between
// calls, so any number of goroutines may use it at once.
package vex
