package exposure

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
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
	s.checkMany(ctx, orgs)
	return len(orgs)
}

// checkBatch is how many organisations a re-check of many reads and writes together:
// enough that the statements per organisation all but vanish, few enough that one
// transaction holds the writer briefly and the IN lists stay short.
const checkBatch = 100

// checkMany checks the organisations checkBatch at a time, logging failures. A batch
// that fails is checked again one organisation at a time, so that one organisation's
// failure holds back no other's alerts.
func (s *Service) checkMany(ctx context.Context, orgs []string) {
	s.eachBatch(ctx, orgs, func(batch []string, err error) bool {
		if err != nil && ctx.Err() == nil {
			for _, org := range batch {
				s.InventoryChanged(ctx, org)
			}
		}
		return ctx.Err() == nil
	})
}

// checkAll checks the organisations checkBatch at a time and returns the first error.
func (s *Service) checkAll(ctx context.Context, orgs []string) error {
	var first error
	s.eachBatch(ctx, orgs, func(_ []string, err error) bool {
		first = err
		return err == nil
	})
	return first
}

// eachBatch checks the organisations (sorted, each once) in batches of s.batch, calling
// done after each batch until it returns false. The next batches' inventories are read
// and matched while one is reconciled, on up to GOMAXPROCS goroutines: reading and
// matching are most of a check. Each batch's organisations are locked before the next
// batch's, so a run takes its locks in sorted order, as every check does, and two runs
// at once (a pull and an analyst's pull) cannot deadlock. Reconciles run one at a time,
// in order.
func (s *Service) eachBatch(ctx context.Context, orgs []string, done func(batch []string, err error) bool) {
	orgs = slices.Compact(slices.Sorted(slices.Values(orgs)))
	batches := slices.Collect(slices.Chunk(orgs, s.batch))
	ready := make([]chan *orgBatch, len(batches))
	for i := range ready {
		ready[i] = make(chan *orgBatch, 1)
	}
	slots := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var stopped atomic.Bool
	go func() {
		for i, batch := range batches {
			slots <- struct{}{}
			if stopped.Load() {
				ready[i] <- &orgBatch{unlock: func() {}, skip: true}
				continue
			}
			// Locked here, in batch order, so that the whole run locks in sorted order
			// like any other check; read and matched on their own goroutine.
			unlock := s.lockOrgs(batch)
			go func() { ready[i] <- s.prepareLocked(ctx, batch, unlock) }()
		}
	}()
	for i := range batches {
		b := <-ready[i]
		err := b.err
		if err == nil {
			_, err = s.reconcileBatch(ctx, b)
		}
		b.unlock()
		<-slots
		if !done(batches[i], err) {
			// The batches being prepared finish and let their locks go; no more start.
			stopped.Store(true)
			go func() {
				for j := i + 1; j < len(batches); j++ {
					(<-ready[j]).unlock()
					<-slots
				}
			}()
			return
		}
	}
}

// check checks one organisation (checkOrgs).
func (s *Service) check(ctx context.Context, org string) (Outcome, error) {
	outs, err := s.checkOrgs(ctx, []string{org})
	return outs[org], err
}

// orgBatch is a batch of organisations locked, read and matched, ready to reconcile.
type orgBatch struct {
	checks []orgCheck
	now    time.Time
	unlock func()
	err    error
	skip   bool // the matcher holds no advisory: nothing to check against
}

// prepare locks the organisations and reads and matches their inventories
// (prepareLocked). The caller unlocks them.
func (s *Service) prepare(ctx context.Context, orgs []string) *orgBatch {
	orgs = slices.Compact(slices.Sorted(slices.Values(orgs)))
	return s.prepareLocked(ctx, orgs, s.lockOrgs(orgs))
}

// lockOrgs locks the organisations, sorted, in order, and returns what unlocks them.
func (s *Service) lockOrgs(sorted []string) func() {
	unlocks := make([]func(), len(sorted))
	for i, org := range sorted {
		unlocks[i] = s.lockOrg(org)
	}
	return func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
}

// prepareLocked reads and matches the inventories of the organisations, which unlock
// unlocks.
func (s *Service) prepareLocked(ctx context.Context, orgs []string, unlock func()) *orgBatch {
	b := &orgBatch{unlock: unlock}
	sn := s.snap.Load()
	if !sn.loaded() {
		b.skip = true // checking would call everything fixed
		return b
	}
	s.checked.Add(int64(len(orgs)))
	b.now = s.now().UTC().Truncate(time.Microsecond)
	b.checks, b.err = s.matchOrgs(ctx, sn, orgs, b.now)
	return b
}

// checkOrgs checks the organisations together (prepare, then reconcileBatch).
func (s *Service) checkOrgs(ctx context.Context, orgs []string) (map[string]Outcome, error) {
	b := s.prepare(ctx, orgs)
	defer b.unlock()
	if b.err != nil {
		return map[string]Outcome{}, b.err
	}
	return s.reconcileBatch(ctx, b)
}

// orgCheck is one organisation's part of a check: what the matcher found in its
// inventories, before it is reconciled with what the store holds.
type orgCheck struct {
	org       string
	comps     []vigil.Component
	unmatched []vuln.Unmatched
	vx        vexResult
	found     map[string]vigil.Exposure
	out       Outcome
}

// reconcileBatch brings the organisations' findings and alerts up to date with what
// prepare matched, in one transaction: a vulnerability found for the first time raises
// an alert; one found again updates its finding (and, when it became more urgent,
// repeats the alert so its deadlines come in); one no longer found is marked fixed and
// its alert resolved, with a note of what the inventory now shows. The organisations'
// inventories, findings and VEX statements are each read in one statement, and their
// new alerts raised and findings written in a few (alerts.RaiseAll), with the same
// outcome as checking them one by one in order.
func (s *Service) reconcileBatch(ctx context.Context, b *orgBatch) (map[string]Outcome, error) {
	if b.skip {
		return map[string]Outcome{}, nil
	}
	checks := b.checks
	raised := 0
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		for i := range checks {
			checks[i].out.Raised, checks[i].out.Fixed = 0, 0
		}
		n, err := s.reconcileOrgs(ctx, tx, checks, b.now)
		raised = n
		return err
	})
	outs := make(map[string]Outcome, len(checks))
	for _, c := range checks {
		outs[c.org] = c.out
	}
	if err == nil && raised > 0 {
		s.alerts.Counted(vigil.AlertVulnerability, raised)
	}
	return outs, err
}

// matchOrgs reads the organisations' inventories and VEX statements and matches them:
// no transaction, so that the writer is held only to reconcile.
func (s *Service) matchOrgs(ctx context.Context, sn *snapshot, orgs []string, now time.Time) ([]orgCheck, error) {
	comps, err := s.store.InventoryComponentsOf(ctx, orgs)
	if err != nil {
		return nil, err
	}
	own, err := s.store.VEXStatementsOf(ctx, store.VEXOwnerOrg, orgs)
	if err != nil {
		return nil, err
	}
	var sups []string
	for _, org := range orgs {
		sups = append(sups, suppliersOf(comps[org])...)
	}
	theirs, err := s.store.VEXStatementsOf(ctx, store.VEXOwnerSupplier, slices.Compact(slices.Sorted(slices.Values(sups))))
	if err != nil {
		return nil, err
	}
	checks := make([]orgCheck, len(orgs))
	for i, org := range orgs {
		c := comps[org]
		res := sn.cache.Match(c)
		if sec, err := vuln.MatchSector(c, sn.sector); err == nil {
			res = vuln.MergeResults(res, sec)
		}
		vuln.Enrich(res.Findings, sn.kev, sn.epss)
		vx := applyVEX(org, c, sn.cache.DB(), res.Findings, now, own[org], theirs)
		found := exposures(org, sn.cache.DB(), vx.open, now)
		withSuppliers(found, c)
		checks[i] = orgCheck{org: org, comps: c, unmatched: res.Unmatched, vx: vx, found: found,
			out: Outcome{Found: len(found), Checked: res.Checked, Unmatched: len(res.Unmatched)}}
	}
	return checks, nil
}

// reconcileOrgs brings the organisations' stored findings in line with their checks in
// transaction tx and returns how many alerts it raised. One organisation alone, or one
// linked to a supplier (attestations and the supplier's alert read the findings written
// before it), writes as it goes; the others' writes are gathered and made together.
func (s *Service) reconcileOrgs(ctx context.Context, tx *store.Store, checks []orgCheck, now time.Time) (int, error) {
	orgs := make([]string, len(checks))
	suppressed := map[string][]vigil.VEXSuppression{}
	for i, c := range checks {
		orgs[i], suppressed[c.org] = c.org, c.vx.suppressed
	}
	old, err := tx.ExposuresOf(ctx, orgs)
	if err != nil {
		return 0, err
	}
	if err := tx.PutSuppressionsOf(ctx, orgs, suppressed); err != nil {
		return 0, err
	}
	customers, err := tx.CustomersOfAny(ctx, orgs)
	if err != nil {
		return 0, err
	}
	w := &writes{s: s, tx: tx, now: now}
	for i := range checks {
		c := &checks[i]
		r := reconcile{s: s, tx: tx, org: c.org, now: now, comps: c.comps, unmatched: c.unmatched, vexNotes: c.vx.notes,
			vexClosed: c.vx.closed, suppliers: customers[c.org], w: w}
		if r.suppliers || len(checks) == 1 {
			// Earlier organisations' writes first, then this one's straight away.
			if err := w.flush(ctx); err != nil {
				return 0, err
			}
			r.w = nil
		}
		if err := r.apply(ctx, old[c.org], c.found, &c.out); err != nil {
			return 0, err
		}
		w.raised += r.raised
	}
	return w.raised, w.flush(ctx)
}

// writes are the alerts to raise and findings to write of several organisations'
// reconciles, made together by flush.
type writes struct {
	s      *Service
	tx     *store.Store
	now    time.Time
	raise  []pendingAlert
	put    []vigil.Exposure
	touch  []string // organisations whose unchanged findings were found again
	raised int
}

// pendingAlert is a finding whose alert is to be raised, and whose outcome counts it.
type pendingAlert struct {
	e      vigil.Exposure
	out    *Outcome
	reword bool // a repeat of an open alert: its words follow the finding (reword.go)
}

// flush raises the alerts gathered, in the order gathered, then writes the findings
// with their alerts and moves the checked time of the unchanged ones.
func (w *writes) flush(ctx context.Context) error {
	if len(w.raise) > 0 {
		rs := make([]alerts.Raising, len(w.raise))
		for i, p := range w.raise {
			rs[i] = w.s.raising(p.e)
		}
		done, err := w.s.alerts.RaiseAll(ctx, w.tx, rs)
		if err != nil {
			return fmt.Errorf("alerts for %d findings: %w", len(rs), err)
		}
		for i, p := range w.raise {
			p.e.AlertID = done[i].ID
			if done[i].Created {
				p.out.Raised++
				w.raised++
			} else if p.reword {
				if err := rewordAlert(ctx, w.s, w.tx, p.e); err != nil {
					return err
				}
			}
			w.put = append(w.put, p.e)
		}
	}
	if err := w.tx.PutExposures(ctx, w.put); err != nil {
		return err
	}
	if err := w.tx.TouchExposuresOf(ctx, w.touch, w.now); err != nil {
		return err
	}
	w.raise, w.put, w.touch = nil, nil, nil
	return nil
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
	// suppliers says the organisation is linked to a supplier: attestations and the
	// supplier's alerts concern it.
	suppliers bool
	// w gathers the writes of several organisations; nil writes each at once.
	w *writes
}

func (r *reconcile) apply(ctx context.Context, old []vigil.Exposure, found map[string]vigil.Exposure, out *Outcome) error {
	if r.suppliers {
		if err := r.attested(ctx, found); err != nil {
			return err
		}
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
		if err := r.touchUnchanged(ctx); err != nil {
			return err
		}
	}
	if !r.suppliers {
		return nil
	}
	return r.fanOut(ctx, r.org, supplied(old, found))
}

// put writes a finding, or gathers it for the writes of several organisations.
func (r *reconcile) put(ctx context.Context, e vigil.Exposure) error {
	if r.w != nil {
		r.w.put = append(r.w.put, e)
		return nil
	}
	return r.tx.PutExposure(ctx, e)
}

// touchUnchanged moves the checked time of the findings found again unchanged.
func (r *reconcile) touchUnchanged(ctx context.Context) error {
	if r.w != nil {
		r.w.touch = append(r.w.touch, r.org)
		return nil
	}
	return r.tx.TouchExposures(ctx, r.org, r.now)
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
			if err := r.put(ctx, e); err != nil {
				return err
			}
			return r.reword(ctx, e) // other components affected, or another fix: the alert says so
		}
	}
	if r.w != nil {
		r.w.raise = append(r.w.raise, pendingAlert{e: e, out: out, reword: open})
		return nil
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
	return r.put(ctx, e)
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
		return closeNote(e.Vuln, why)
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
