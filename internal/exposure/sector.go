package exposure

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// Sector advisories on the server: the analysts write them for products outside package
// ecosystems; every server's matcher holds them with the built-in products-of-concern
// policy, and a new or changed one re-checks only the organisations whose inventories
// name its vendor.

// builtinPolicy is the products-of-concern policy: it applies on every server, whatever
// the analysts write.
var builtinPolicy = vuln.ProductsOfConcern()

// isPolicy reports whether id is one of the built-in policy's advisories.
func isPolicy(id string) bool {
	return slices.ContainsFunc(builtinPolicy.Advisories, func(a vigil.SectorAdvisory) bool { return a.ID == id })
}

// ReviewWithin is how long an organisation has to review a product of concern: a review
// of a supplier decision, not the remediation of a flaw, so a month rather than the 48
// hours and 14 days of a high-severity vulnerability, and no fix deadline at all.
const ReviewWithin = 30 * 24 * time.Hour

// SectorAdvisory is a stored sector advisory with its history.
type SectorAdvisory struct {
	vigil.SectorAdvisory
	CreatedBy            string
	CreatedAt, UpdatedAt time.Time
	WithdrawnAt          time.Time
}

// SectorOutcome is what saving or withdrawing a sector advisory did.
type SectorOutcome struct {
	Advisory SectorAdvisory
	// OrgsChecked counts the organisations re-checked: those whose inventories name the
	// vendor (or one of its aliases), and those the advisory was found at before.
	OrgsChecked int
	// OrgsFound counts the organisations it is found at after the re-check: each has an
	// alert about it (0 after a withdrawal).
	OrgsFound int
}

// SaveSectorAdvisory creates (create true: a second with the same ID is a conflict) or
// replaces (create false: it must exist) an analyst's sector advisory, then rebuilds the
// matcher and re-checks the organisations it may concern.
func (s *Service) SaveSectorAdvisory(ctx context.Context, p vigil.Principal, a vigil.SectorAdvisory, create bool) (SectorOutcome, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return SectorOutcome{}, err
	}
	a.Kind = "sector"
	if a.Published.IsZero() {
		a.Published = s.now().UTC().Truncate(time.Second)
	}
	if err := a.Validate(); err != nil {
		return SectorOutcome{}, err
	}
	if isPolicy(a.ID) {
		return SectorOutcome{}, vigil.OnField("id", vigil.Errorf(vigil.ECONFLICT, "id %q is the built-in policy's: pick another", a.ID))
	}
	rec, err := json.Marshal(vuln.SectorAdvisoryToJSON(a))
	if err != nil {
		return SectorOutcome{}, err
	}
	var was vigil.SectorAdvisory
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		old, existed, err := tx.PutSectorAdvisory(ctx, store.SectorAdvisoryRow{ID: a.ID, Record: rec, CreatedBy: p.Email})
		if err != nil {
			return err
		}
		switch {
		case create && existed:
			return vigil.OnField("id", vigil.Errorf(vigil.ECONFLICT, "a sector advisory %q exists already: change it with PUT /api/v1/sector-advisories/%s", a.ID, a.ID))
		case !create && !existed:
			return vigil.Errorf(vigil.ENOTFOUND, "no sector advisory %q: create it with POST /api/v1/sector-advisories", a.ID)
		}
		if existed {
			was, _ = advisoryOf(old)
		}
		action := map[bool]string{true: "sector_advisory.create", false: "sector_advisory.update"}[create]
		_, err = tx.Audit(ctx, p.Email, action, "sector_advisory/"+a.ID, map[string]any{
			"vendor": a.Vendor, "product": a.Product, "severity": a.Severity})
		return err
	})
	if err != nil {
		return SectorOutcome{}, err
	}
	n, err := s.sectorChanged(ctx, a, was)
	if err != nil {
		return SectorOutcome{}, err
	}
	found, err := s.foundNow(ctx, a.ID)
	if err != nil {
		return SectorOutcome{}, err
	}
	got, err := s.GetSectorAdvisory(ctx, p, a.ID)
	return SectorOutcome{Advisory: got, OrgsChecked: n, OrgsFound: found}, err
}

// foundNow counts the organisations the advisory is found at and not fixed.
func (s *Service) foundNow(ctx context.Context, id string) (int, error) {
	list, err := s.store.VulnExposures(ctx, id, "")
	n := 0
	for _, e := range list {
		if e.FixedAt.IsZero() {
			n++
		}
	}
	return n, err
}

// Policy returns the built-in products-of-concern policy, which the analysts read but do
// not change: it is part of vigil, the same on every server.
func (s *Service) Policy(ctx context.Context, p vigil.Principal) (vuln.Policy, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return vuln.Policy{}, err
	}
	pol := builtinPolicy
	pol.Advisories = slices.Clone(pol.Advisories)
	return pol, nil
}

// WithdrawSectorAdvisory withdraws an analyst's advisory: the organisations it was found
// at are re-checked, and their alerts resolved as no longer found.
func (s *Service) WithdrawSectorAdvisory(ctx context.Context, p vigil.Principal, id string) (SectorOutcome, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return SectorOutcome{}, err
	}
	var row store.SectorAdvisoryRow
	err := s.store.Tx(ctx, func(tx *store.Store) (err error) {
		if row, err = tx.WithdrawSectorAdvisory(ctx, id); err != nil {
			return err
		}
		_, err = tx.Audit(ctx, p.Email, "sector_advisory.withdraw", "sector_advisory/"+id, map[string]any{})
		return err
	})
	if err != nil {
		return SectorOutcome{}, err
	}
	a, err := stored(row)
	if err != nil {
		return SectorOutcome{}, err
	}
	n, err := s.sectorChanged(ctx, vigil.SectorAdvisory{ID: id}, a.SectorAdvisory)
	return SectorOutcome{Advisory: a, OrgsChecked: n}, err
}

// sectorChanged rebuilds the matcher and re-checks the organisations the advisory, now
// and as it was, may concern. It returns how many it checked.
func (s *Service) sectorChanged(ctx context.Context, now, was vigil.SectorAdvisory) (int, error) {
	if err := s.Rebuild(ctx); err != nil {
		return 0, err
	}
	var vendors []string
	for _, a := range []vigil.SectorAdvisory{now, was} {
		if a.Vendor != "" {
			vendors = append(vendors, a.Vendor)
			vendors = append(vendors, a.VendorAliases...)
		}
	}
	orgs, err := s.store.OrgsWithVendors(ctx, vendors)
	if err != nil {
		return 0, err
	}
	found, err := s.store.VulnExposures(ctx, now.ID, "")
	if err != nil {
		return 0, err
	}
	for _, e := range found {
		orgs = append(orgs, e.Org)
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	for _, org := range orgs {
		s.InventoryChanged(ctx, org)
	}
	return len(orgs), nil
}

// GetSectorAdvisory returns one sector advisory: the analysts see any; an organisation's
// people one found in its inventories.
func (s *Service) GetSectorAdvisory(ctx context.Context, p vigil.Principal, id string) (SectorAdvisory, error) {
	if err := p.Need(vigil.People...); err != nil {
		return SectorAdvisory{}, err
	}
	row, err := s.store.GetSectorAdvisory(ctx, id)
	if err != nil {
		return SectorAdvisory{}, err
	}
	if !p.Role.Sector() {
		seen, err := s.foundAt(ctx, p.Org)
		if err != nil {
			return SectorAdvisory{}, err
		}
		if !seen[id] {
			return SectorAdvisory{}, vigil.Errorf(vigil.ENOTFOUND, "no sector advisory %q concerns your organisation", id)
		}
	}
	return stored(row)
}

// ListSectorAdvisories lists the sector advisories (withdrawn ones too when asked): all
// of them for the analysts, those found in its inventories for an organisation's people.
// Sector advisories carry no TLP marking: they are written to be shared with whoever runs
// the product.
func (s *Service) ListSectorAdvisories(ctx context.Context, p vigil.Principal, withdrawn bool) ([]SectorAdvisory, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, err
	}
	rows, err := s.store.ListSectorAdvisories(ctx, withdrawn)
	if err != nil {
		return nil, err
	}
	var seen map[string]bool
	if !p.Role.Sector() {
		if seen, err = s.foundAt(ctx, p.Org); err != nil {
			return nil, err
		}
	}
	out := []SectorAdvisory{}
	for _, r := range rows {
		if seen != nil && !seen[r.ID] {
			continue
		}
		a, err := stored(r)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// foundAt is the set of vulnerabilities ever found at the organisation.
func (s *Service) foundAt(ctx context.Context, org string) (map[string]bool, error) {
	seen := map[string]bool{}
	if org == "" {
		return seen, nil
	}
	list, err := s.store.OrgExposures(ctx, org)
	for _, e := range list {
		seen[e.Vuln] = true
	}
	return seen, err
}

func stored(r store.SectorAdvisoryRow) (SectorAdvisory, error) {
	a, err := advisoryOf(r)
	return SectorAdvisory{SectorAdvisory: a, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		WithdrawnAt: r.WithdrawnAt}, err
}

func advisoryOf(r store.SectorAdvisoryRow) (vigil.SectorAdvisory, error) {
	var j vuln.SectorAdvisoryJSON
	if err := json.Unmarshal(r.Record, &j); err != nil {
		return vigil.SectorAdvisory{}, fmt.Errorf("stored sector advisory %s: %w", r.ID, err)
	}
	a, err := j.Advisory()
	a.Kind = "sector"
	return a, err
}

// loadSector puts the analysts' advisories in force, and the built-in policy, into sn.
// One that no longer reads or validates is left out with a warning.
func (s *Service) loadSector(ctx context.Context, sn *snapshot) error {
	rows, err := s.store.ListSectorAdvisories(ctx, false)
	if err != nil {
		return err
	}
	sn.sector = slices.Clone(builtinPolicy.Advisories)
	for _, r := range rows {
		a, err := advisoryOf(r)
		if err == nil {
			err = a.Validate()
		}
		if err != nil {
			s.log.WarnContext(ctx, "stored sector advisory unreadable; left out", slog.String("id", r.ID), slog.Any("error", err))
			continue
		}
		sn.sector = append(sn.sector, a)
	}
	return nil
}

// policyRaising is the alert for a product of concern: a review, not a remediation. Its
// dedup key names the product versions, so a new version asks for a new review.
func (s *Service) policyRaising(e vigil.Exposure) alerts.Raising {
	a := vigil.Alert{Org: e.Org, Kind: vigil.AlertVulnerability, Severity: e.Severity, Observable: componentList(e),
		Indicator: e.Vuln, Sources: []string{"products of concern (policy " + builtinPolicy.Version + ")"}, TLP: vigil.TLPClear,
		DedupKey: fmt.Sprintf("vulnerability|%s|%d|%s", e.Vuln, e.FirstFound.Unix(), componentVersions(e))}
	r := alerts.Worded(a, func(vigil.Alert) (string, string) { return policyTitle(e), policyBody(e) })
	r.Due = vigil.Deadline{Acknowledge: ReviewWithin}
	return r
}

func policyTitle(e vigil.Exposure) string {
	c := e.Components[0]
	what := c.Name
	if n := len(e.Components); n > 1 {
		what += fmt.Sprintf(" and %d more", n-1)
	}
	return alerts.Shorten("Review the risk of "+what+" per national guidance", 300)
}

func policyBody(e vigil.Exposure) string {
	var b strings.Builder
	b.WriteString(e.Summary + "\n\nWhere it was seen:\n")
	for _, c := range e.Components {
		fmt.Fprintf(&b, "- %s %s, listed in your inventory %q\n", c.Name, c.Version, c.Source)
	}
	b.WriteString("\nWhat to do:\n")
	for _, a := range builtinPolicy.Advisories {
		if a.ID == e.Vuln {
			for _, st := range a.Steps {
				b.WriteString("- " + st + "\n")
			}
		}
	}
	fmt.Fprintf(&b, "\nWhen you have reviewed it, resolve this alert with a note of your decision: vigil keeps it resolved on later checks unless the product's version changes. Please review within %s.\n", words(ReviewWithin))
	return b.String()
}

// componentVersions names the affected components and versions, sorted, for comparing
// two findings of the same policy advisory.
func componentVersions(e vigil.Exposure) string {
	var out []string
	for _, c := range e.Components {
		out = append(out, c.Source+"/"+c.Name+"@"+c.Version)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

// reviewAgain reports whether a product of concern found again asks for a new review:
// its versions changed since the last one.
func reviewAgain(e, was vigil.Exposure) bool {
	return isPolicy(e.Vuln) && componentVersions(e) != componentVersions(was)
}
