// Package orgcsv reads organisations and their assets from a spreadsheet exported as CSV,
// the way thousands of care providers reach a sector centre. Each row is checked on its
// own: a bad row is reported with its line number and what to fix, and the others are
// still imported.
//
// The header names the columns, in any order and any case: ods_code (required), name
// (required), kind (trust, gp, care_provider, supplier, centre, lso; required), region,
// parent, ip_ranges, domains, hostnames, contact_name, contact_role, contact_email,
// contact_phone and suppliers (ODS codes of the suppliers that serve the organisation).
// Cells holding several values separate them with ';' or spaces.
package orgcsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// Row is one organisation read from the file.
type Row struct {
	// Line is the row's line number in the file.
	Line int
	// Org is the organisation with its assets and contact.
	Org vigil.Org
	// Suppliers are the ODS codes of suppliers serving it.
	Suppliers []string
}

// RowError is a row that could not be read, with what to fix.
type RowError struct {
	// Line is the row's line number in the file.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxRows caps one import; a bigger sector is split into several files.
const maxRows = 200_000

var kinds = map[string]vigil.OrgKind{
	"trust": vigil.OrgTrust, "gp": vigil.OrgGP, "care_provider": vigil.OrgCareProvider,
	"supplier": vigil.OrgSupplier, "centre": vigil.OrgCentre, "lso": vigil.OrgLSO,
}

// Read parses the whole file. The error is for files that cannot be read at all (no
// header, no ods_code column); problems in rows come back as RowErrors.
func Read(r io.Reader) ([]Row, []RowError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the header row: %w", err)
	}
	cols := columns(header)
	for _, need := range []string{"ods_code", "name", "kind"} {
		if _, ok := cols[need]; !ok {
			return nil, nil, fmt.Errorf("the header has no %q column (found: %s)", need, strings.Join(header, ", "))
		}
	}
	var (
		rows []Row
		bad  []RowError
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, bad, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			bad = append(bad, RowError{Line: pe.Line, Msg: pe.Err.Error()})
			continue
		}
		if err != nil {
			return rows, bad, err
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		if len(rows)+len(bad) >= maxRows {
			return rows, bad, fmt.Errorf("more than %d rows: split the file", maxRows)
		}
		row, err := parseRow(cols, rec, line)
		if err != nil {
			bad = append(bad, RowError{Line: line, Msg: err.Error()})
			continue
		}
		rows = append(rows, row)
	}
}

// columns maps lower-case header names (with a few common spellings) to positions.
func columns(header []string) map[string]int {
	aliases := map[string]string{"ods": "ods_code", "odscode": "ods_code", "ods code": "ods_code", "type": "kind",
		"ip_range": "ip_ranges", "networks": "ip_ranges", "domain": "domains", "hostname": "hostnames"}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if a, ok := aliases[h]; ok {
			h = a
		}
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	return cols
}

func parseRow(cols map[string]int, rec []string, line int) (Row, error) {
	get := func(name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	kind, ok := kinds[strings.ToLower(get("kind"))]
	if !ok {
		return Row{}, fmt.Errorf("kind %q must be one of trust, gp, care_provider, supplier, centre, lso", get("kind"))
	}
	o := vigil.Org{
		ODSCode: strings.ToUpper(get("ods_code")), Name: get("name"), Kind: kind,
		Region: get("region"), Parent: strings.ToUpper(get("parent")),
	}
	if o.ODSCode == "" || o.Name == "" {
		return Row{}, errors.New("ods_code and name are required")
	}
	var err error
	if o.IPRanges, err = prefixes(get("ip_ranges")); err != nil {
		return Row{}, err
	}
	if o.Domains, err = domains(get("domains")); err != nil {
		return Row{}, err
	}
	o.Hostnames = fields(get("hostnames"))
	if c := (vigil.Contact{Name: get("contact_name"), Role: get("contact_role"), Email: get("contact_email"), Phone: get("contact_phone")}); c != (vigil.Contact{}) {
		o.Contacts = []vigil.Contact{c}
	}
	suppliers := fields(strings.ToUpper(get("suppliers")))
	return Row{Line: line, Org: o, Suppliers: suppliers}, nil
}

// fields splits a multi-valued cell on ';', ',' and white space.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

func prefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range fields(s) {
		if !strings.Contains(f, "/") {
			if a, err := netip.ParseAddr(f); err == nil {
				f = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()).String()
			}
		}
		p, err := ioc.Prefix(f)
		if err != nil {
			return nil, fmt.Errorf("ip_ranges: %q: %v", f, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func domains(s string) ([]string, error) {
	var out []string
	for _, f := range fields(s) {
		d, err := ioc.Domain(f)
		if err != nil {
			return nil, fmt.Errorf("domains: %v", err)
		}
		out = append(out, d)
	}
	return out, nil
}
