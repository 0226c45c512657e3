package exposure

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vuln"
)

// Outcome is what one check of an organisation did.
type Outcome struct {
	// Found counts the vulnerabilities found now; Raised the new alerts among them.
	Found, Raised int
	// Fixed counts the vulnerabilities found before and no longer, whose alerts were resolved.
	Fixed int
	// Checked counts the components checked; Unmatched those that could not be.
	Checked, Unmatched int
}

// InventoryChanged is the hook for an organisation's new or changed inventory: it
// checks that organisation alone. Errors are logged: an upload never fails for want of it.
func (s *Service) InventoryChanged(ctx context.Context, org string) {
	if _, err := s.check(ctx, org); err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "check inventory for vulnerabilities", slog.String("org", org), slog.Any("error", err))
	}
}

// recheckChanged checks the organisations a pull's change concerns: those running a
// package a changed record names, and, when the KEV catalogue or EPSS scores changed,
// those with a finding still open. It returns how many it checked.
func (s *Service) recheckChanged(ctx context.Context, ch Change) int {
	orgs, err := s.store.OrgsWithPackages(ctx, ch.keys)
	if err != nil {
		s.log.ErrorContext(ctx, "organisations running changed packages", slog.Any("error", err))
	}
	if ch.all {
		open, err := s.store.OrgsWithOpenExposures(ctx)
		if err != nil {
			s.log.ErrorContext(ctx, "organisations with findings", slog.Any("error", err))
		}
		orgs = append(orgs, open...)
		slices.Sort(orgs)
		orgs = slices.Compact(orgs)
	}
	for _, org := range orgs {
		if ctx.Err() != nil {
			break
		}
		s.InventoryChanged(ctx, org)
	}
	return len(orgs)
}

// check matches the organisation's inventories against the matcher and brings its
// findings and alerts up to date in one transaction: a vulnerability found for the
// first time raises an alert; one found again updates its finding (and, when it became
// more urgent, repeats the alert so its deadlines come in); one no longer found is
// marked fixed and its alert resolved, with a note of what the inventory now shows.
func (s *Service) check(ctx context.Context, org string) (Outcome, error) {
	defer s.lockOrg(org)()
	sn := s.snap.Load()
	if !sn.loaded() {
		return Outcome{}, nil // nothing to match with: checking would call everything fixed
	}
	s.checked.Add(1)
	comps, err := s.store.InventoryComponents(ctx, org, "")
	if err != nil {
		return Outcome{}, err
	}
	res := sn.cache.Match(comps)
	if sec, err := vuln.MatchSector(comps, sn.sector); err == nil {
		res = vuln.MergeResults(res, sec)
	}
	vuln.Enrich(res.Findings, sn.kev, sn.epss)
	now := s.now().UTC().Truncate(time.Microsecond)
	vx, err := s.applyVEX(ctx, org, comps, sn.cache.DB(), res.Findings, now)
	if err != nil {
		return Outcome{}, err
	}
	found := exposures(org, sn.cache.DB(), vx.open, now)
	withSuppliers(found, comps)
	out := Outcome{Found: len(found), Checked: res.Checked, Unmatched: len(res.Unmatched)}
	raised := 0
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		out.Raised, out.Fixed = 0, 0
		old, err := tx.OrgExposures(ctx, org)
		if err != nil {
			return err
		}
		if err := tx.PutSuppressions(ctx, org, vx.suppressed); err != nil {
			return err
		}
		r := reconcile{s: s, tx: tx, org: org, now: now, comps: comps, unmatched: res.Unmatched, vexNotes: vx.notes, vexClosed: vx.closed}
		if err := r.apply(ctx, old, found, &out); err != nil {
			return err
		}
		raised = r.raised
		return nil
	})
	if err == nil && raised > 0 {
		s.alerts.Counted(vigil.AlertVulnerability, raised)
	}
	return out, err
}

// exposures groups findings by vulnerability (the root of their aliases): one
// exposure each, with every component affected.
func exposures(org string, db *vuln.DB, findings []vuln.Finding, now time.Time) map[string]vigil.Exposure {
	out := map[string]vigil.Exposure{}
	byRoot := map[string][]vuln.Finding{}
	for _, f := range findings {
		root := db.Root(f.ID)
		byRoot[root] = append(byRoot[root], f)
	}
	// The advice per component is the version that fixes every vulnerability found in
	// it, so that an organisation upgrades once rather than once per alert.
	advice := map[[4]string]string{}
	for _, u := range vuln.Upgrades(findings) {
		advice[[4]string{u.Input, u.Ecosystem, u.Name, u.Version}] = u.String()
	}
	for root, fs := range byRoot {
		e := exposureOf(org, root, fs, now)
		for _, f := range fs {
			e.Advice = append(e.Advice, advice[[4]string{f.Input, f.Ecosystem, f.Name, f.Version}])
		}
		slices.Sort(e.Advice)
		e.Advice = slices.Compact(e.Advice)
		out[root] = e
	}
	return out
}

// exposureOf is one vulnerability's exposure from its findings at one organisation.
func exposureOf(org, root string, fs []vuln.Finding, now time.Time) vigil.Exposure {
	e := vigil.Exposure{Org: org, Vuln: root, EPSS: -1, FirstFound: now, CheckedAt: now}
	ids := map[string]bool{}
	best := vuln.Severity{}
	for _, f := range fs {
		for _, id := range f.IDs() {
			ids[id] = true
		}
		if f.Severity.Score > best.Score || best.Rating == "" {
			best = f.Severity
		}
		if e.Summary == "" {
			e.Summary = f.Summary
		}
		if f.KEV && (!e.KEV || f.KEVDueDate < e.KEVDueDate) {
			e.KEV, e.KEVDueDate = true, f.KEVDueDate
		}
		if f.EPSS != nil {
			e.EPSS = max(e.EPSS, f.EPSS.Probability)
		}
		e.Components = append(e.Components, vigil.AffectedComponent{Ecosystem: f.Ecosystem, Name: f.Name,
			Version: f.Version, Source: f.Input, Location: f.Location, Fixed: f.Fixed})
	}
	delete(ids, root)
	for id := range ids {
		e.Aliases = append(e.Aliases, id)
	}
	slices.Sort(e.Aliases)
	e.Severity, e.Score = SeverityOf(best), best.Score
	return e
}

// SeverityOf maps a CVSS rating to how urgent an alert is: critical and high as they
// are, medium as medium, low, none and unrated as low.
func SeverityOf(sev vuln.Severity) vigil.Severity {
	switch sev.Rating {
	case "critical":
		return vigil.SeverityCritical
	case "high":
		return vigil.SeverityHigh
	case "medium":
		return vigil.SeverityMedium
	}
	return vigil.SeverityLow
}

// reconcile brings one organisation's stored findings in line with a check's.
type reconcile struct {
	s         *Service
	tx        *store.Store
	org       string
	now       time.Time
	comps     []vigil.Component
	unmatched []vuln.Unmatched
	raised    int
	// attestedWhy says, by vulnerability, why a supplier's attestation closed it.
	attestedWhy map[string]string
	touch       bool                      // some findings were found again unchanged
	vexNotes    map[string]string         // vulnerability → why a VEX statement closed it (vex.go)
	vexClosed   map[string][]vuln.Finding // vulnerability → its findings VEX statements closed (vex.go)
}

func (r *reconcile) apply(ctx context.Context, old []vigil.Exposure, found map[string]vigil.Exposure, out *Outcome) error {
	if err := r.attested(ctx, found); err != nil {
		return err
	}
	out.Found = len(found)
	had := map[string]vigil.Exposure{}
	for _, e := range old {
		had[e.Vuln] = e
	}
	for _, root := range sortedKeys(found) {
		if err := r.found(ctx, found[root], had[root], out); err != nil {
			return err
		}
	}
	for _, e := range old {
		if _, still := found[e.Vuln]; still || !e.FixedAt.IsZero() {
			continue
		}
		if err := r.gone(ctx, e, out); err != nil {
			return err
		}
	}
	if err := r.recordSuppressed(ctx, had); err != nil {
		return err
	}
	if r.touch {
		if err := r.tx.TouchExposures(ctx, old[0].Org, r.now); err != nil {
			return err
		}
	}
	return r.fanOut(ctx, r.org, supplied(old, found))
}

// supplied are the vulnerabilities, found now or before, with a component the inventory
// attributes to a supplier: those whose supplier alerts may change.
func supplied(old []vigil.Exposure, found map[string]vigil.Exposure) map[string]bool {
	out := map[string]bool{}
	for _, list := range [][]vigil.Exposure{old, slices.Collect(maps.Values(found))} {
		for _, e := range list {
			for _, c := range e.Components {
				if c.Supplier != "" {
					out[e.Vuln] = true
				}
			}
		}
	}
	return out
}

// withSuppliers copies each affected component's supplier from the inventory.
func withSuppliers(found map[string]vigil.Exposure, comps []vigil.Component) {
	type at struct{ source, location, name, version string }
	supplier := map[at]string{}
	for _, c := range comps {
		if c.Supplier != "" {
			supplier[at{c.Source, c.Location, c.Name, c.Version}] = c.Supplier
		}
	}
	if len(supplier) == 0 {
		return
	}
	for _, e := range found {
		for i, c := range e.Components {
			e.Components[i].Supplier = supplier[at{c.Source, c.Location, c.Name, c.Version}]
		}
	}
}

// fingerprint is what a finding says, without its times and alert, so that a check
// that finds it again unchanged writes nothing but the time it was checked.
func fingerprint(e vigil.Exposure) string {
	b, _ := json.Marshal(struct {
		Aliases, Advice      []string
		Summary, Sev, KEVDue string
		Score, EPSS          float64
		KEV                  bool
		Components           []vigil.AffectedComponent
	}{append([]string{}, e.Aliases...), append([]string{}, e.Advice...), e.Summary, string(e.Severity),
		e.KEVDueDate, e.Score, e.EPSS, e.KEV, e.Components})
	return string(b)
}

// found stores a vulnerability found now, raising its alert when it is new (or back
// after a fix) and repeating it when it became more urgent.
func (r *reconcile) found(ctx context.Context, e, was vigil.Exposure, out *Outcome) error {
	open := was.Vuln != "" && was.FixedAt.IsZero() && was.AlertID != 0
	if open {
		e.FirstFound, e.AlertID = was.FirstFound, was.AlertID
		if !moreUrgent(e, was) && !reviewAgain(e, was) {
			if fingerprint(e) == fingerprint(was) {
				r.touch = true // unchanged: only its checked time moves, for all such at once
				return nil
			}
			if err := r.tx.PutExposure(ctx, e); err != nil {
				return err
			}
			return r.reword(ctx, e) // other components affected, or another fix: the alert says so
		}
	}
	id, created, err := r.s.alerts.Raise(ctx, r.tx, r.s.raising(e))
	if err != nil {
		return fmt.Errorf("alert %s for %s: %w", e.Vuln, e.Org, err)
	}
	e.AlertID = id
	if created {
		out.Raised++
		r.raised++
	}
	if err := r.tx.PutExposure(ctx, e); err != nil {
		return err
	}
	if open && !created {
		return r.reword(ctx, e) // a repeat keeps its words unless told: bring them up to date
	}
	return nil
}

// moreUrgent reports whether the vulnerability became more urgent since it was last
// found: listed as exploited, or rated higher.
func moreUrgent(e, was vigil.Exposure) bool {
	return e.KEV && !was.KEV || e.Severity.Rank() > was.Severity.Rank()
}

// gone marks a vulnerability no longer found as fixed and resolves its alert, saying
// what the inventory now shows. One whose components could not be checked this time
// (their ecosystem's advisories are gone) is left open: not found is not fixed.
func (r *reconcile) gone(ctx context.Context, e vigil.Exposure, out *Outcome) error {
	for _, c := range e.Components {
		if r.uncheckable(c) {
			return nil
		}
	}
	e.FixedAt, e.CheckedAt = r.now, r.now
	if e.AlertID != 0 {
		note, ok := r.vexNotes[e.Vuln]
		if !ok {
			note = r.fixNote(e)
		}
		if _, err := r.s.alerts.ResolveFixed(ctx, r.tx, e.AlertID, note); err != nil {
			return fmt.Errorf("resolve alert %d: %w", e.AlertID, err)
		}
	}
	out.Fixed++
	return r.tx.PutExposure(ctx, e)
}

// uncheckable reports whether the component is still in the inventory but could not be
// checked this time.
func (r *reconcile) uncheckable(c vigil.AffectedComponent) bool {
	for _, u := range r.unmatched {
		if u.Component.Source == c.Source && vuln.ComponentKey(u.Component) == vuln.PackageKey(c.Ecosystem, c.Name) {
			return true
		}
	}
	return false
}

// fixNote says why the alert was resolved: what the inventory shows now in place of each
// affected component.
func (r *reconcile) fixNote(e vigil.Exposure) string {
	if why := r.attestedWhy[e.Vuln]; why != "" {
		return alerts.Shorten("vigil closes "+e.Vuln+": "+why+".", 2000)
	}
	var parts []string
	for _, c := range e.Components {
		now := r.versionsNow(c)
		if len(now) == 0 {
			parts = append(parts, fmt.Sprintf("%s is no longer in inventory %q", c.Name, c.Source))
			continue
		}
		parts = append(parts, fmt.Sprintf("inventory %q now shows %s %s, which is not affected", c.Source, c.Name, strings.Join(now, ", ")))
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return alerts.Shorten("vigil no longer finds "+e.Vuln+": "+strings.Join(parts, "; ")+".", 2000)
}

// versionsNow lists the versions of c's package that c's inventory holds now.
func (r *reconcile) versionsNow(c vigil.AffectedComponent) []string {
	key := vuln.PackageKey(c.Ecosystem, c.Name)
	var out []string
	for _, comp := range r.comps {
		if comp.Source == c.Source && vuln.ComponentKey(comp) == key {
			out = append(out, comp.Version)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}
