package vuln

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonpos"
)

// SectorAdvisoryJSON is a sector advisory as files and the API write it (see
// docs/vulnerabilities.md, "Sector advisories").
type SectorAdvisoryJSON struct {
	ID             string             `json:"id"`
	Aliases        []string           `json:"aliases,omitempty"`
	Vendor         string             `json:"vendor"`
	VendorAliases  []string           `json:"vendor_aliases,omitempty"`
	Product        string             `json:"product,omitempty"`
	ProductAliases []string           `json:"product_aliases,omitempty"`
	ProductMatch   string             `json:"product_match,omitempty"`
	AnyVersion     bool               `json:"any_version,omitempty"`
	Versions       []VersionRangeJSON `json:"versions,omitempty"`
	Severity       string             `json:"severity"`
	CVSS           string             `json:"cvss,omitempty"`
	Summary        string             `json:"summary"`
	Steps          []string           `json:"steps,omitempty"`
	Published      string             `json:"published,omitempty"`
}

// VersionRangeJSON is one range of affected versions as files write it.
type VersionRangeJSON struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
}

// maxSectorFile caps a sector advisory file: analysts write tens of advisories, not
// millions.
const maxSectorFile = 16 << 20

// ParseSectorAdvisories reads sector advisories from JSON: a list of advisories, or an
// object whose "advisories" member is one. Every advisory is checked with Validate; an
// error names the advisory by position and line, and the field to fix
// ("advisories[2] (line 31): versions[0].fixed: …"). Nothing is returned on error:
// analysts fix the file rather than load half of it.
func ParseSectorAdvisories(r io.Reader) ([]vigil.SectorAdvisory, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSectorFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSectorFile {
		return nil, fmt.Errorf("sector advisories: more than %d MiB", maxSectorFile>>20)
	}
	elems, err := sectorElements(data)
	if err != nil {
		return nil, err
	}
	out := make([]vigil.SectorAdvisory, 0, len(elems))
	seen := map[string]int{}
	for i, el := range elems {
		at := fmt.Sprintf("advisories[%d] (line %d)", i, el.Line)
		var j SectorAdvisoryJSON
		if err := jsonpos.Decode(el, &j); err != nil {
			return nil, fmt.Errorf("advisories[%d]: %w", i, err)
		}
		a, err := j.Advisory()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if prev, dup := seen[a.ID]; dup {
			return nil, fmt.Errorf("%s: id %q is also advisories[%d]'s: give each advisory its own ID", at, a.ID, prev)
		}
		seen[a.ID] = i
		out = append(out, a)
	}
	return out, nil
}

func sectorElements(data []byte) ([]jsonpos.Element, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("sector advisories: the file is empty")
	}
	if trimmed[0] == '[' {
		return jsonpos.Array(data)
	}
	members, elems, err := jsonpos.Object(data, "advisories")
	if err != nil {
		return nil, err
	}
	if _, ok := members["advisories"]; !ok {
		return nil, errors.New(`line 1: not sector advisories: expected a list, or an object with "advisories"`)
	}
	return elems, nil
}

// Advisory turns the JSON form into a checked sector advisory; err names the field.
func (j SectorAdvisoryJSON) Advisory() (vigil.SectorAdvisory, error) {
	a := vigil.SectorAdvisory{ID: strings.TrimSpace(j.ID), Aliases: j.Aliases, Vendor: j.Vendor,
		VendorAliases: j.VendorAliases, Product: j.Product, ProductAliases: j.ProductAliases,
		Match: vigil.ProductMatch(j.ProductMatch), AnyVersion: j.AnyVersion,
		Severity: vigil.Severity(strings.ToLower(j.Severity)), CVSS: j.CVSS, Summary: j.Summary,
		Steps: j.Steps, Kind: "sector"}
	if a.Match == "" {
		a.Match = vigil.ProductExact
	}
	for _, r := range j.Versions {
		a.Ranges = append(a.Ranges, vigil.VersionRange(r))
	}
	if j.Published != "" {
		t, err := time.Parse(time.RFC3339, j.Published)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, j.Published); err != nil {
				return a, vigil.OnField("published", vigil.Errorf(vigil.EINVALID, "published: %q is not a date (2026-12-01 or RFC 3339)", j.Published))
			}
		}
		a.Published = t
	}
	if err := a.Validate(); err != nil {
		return a, renameRanges(err)
	}
	if a.CVSS != "" {
		if _, err := ScoreCVSS(a.CVSS); err != nil {
			return a, vigil.OnField("cvss", vigil.Errorf(vigil.EINVALID, "cvss: %v", err))
		}
	}
	return a, nil
}

// renameRanges speaks of "versions", the JSON member, where the domain says "ranges".
func renameRanges(err error) error {
	var fe *vigil.FieldError
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "ranges") {
		return err
	}
	field := "versions" + strings.TrimPrefix(fe.Field, "ranges")
	msg := "versions" + strings.TrimPrefix(vigil.ErrorMessage(err), "ranges")
	return vigil.OnField(field, vigil.Errorf(vigil.EINVALID, "%s", msg))
}

// SectorAdvisoryToJSON writes an advisory in the JSON form ParseSectorAdvisories reads.
func SectorAdvisoryToJSON(a vigil.SectorAdvisory) SectorAdvisoryJSON {
	j := SectorAdvisoryJSON{ID: a.ID, Aliases: a.Aliases, Vendor: a.Vendor, VendorAliases: a.VendorAliases,
		Product: a.Product, ProductAliases: a.ProductAliases, ProductMatch: string(a.Match),
		AnyVersion: a.AnyVersion, Severity: string(a.Severity), CVSS: a.CVSS, Summary: a.Summary, Steps: a.Steps}
	for _, r := range a.Ranges {
		j.Versions = append(j.Versions, VersionRangeJSON(r))
	}
	if !a.Published.IsZero() {
		j.Published = a.Published.UTC().Format(time.RFC3339)
	}
	return j
}
