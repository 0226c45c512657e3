package exposure

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/alerts"
	"github.com/vigil-health/vigil/internal/store"
)

// Supplier fan-out: a component an inventory attributes to a supplier the organisation is
// linked to (Component.Supplier naming the supplier organisation, by name or ODS code)
// makes the supplier one consolidated alert per vulnerability, listing every customer
// affected. The alert is reworded as customers are affected or fixed, and resolved when
// none is affected any more. The supplier attests "fixed in version X" once for every
// customer (attest.go) and sees how far each is (supplied.go).

// supplierOf names the supplier among linked that a component's supplier field means;
// "" when none.
func supplierOf(name string, linked []vigil.Org) string {
	name = strings.TrimSpace(name)
	for _, o := range linked {
		if name != "" && (strings.EqualFold(name, o.Name) || strings.EqualFold(name, o.ODSCode)) {
			return o.ODSCode
		}
	}
	return ""
}

// fanOut brings the consolidated alert of each supplier up to date for each
// vulnerability of the organisation's findings that involves one of its suppliers' components.
func (r *reconcile) fanOut(ctx context.Context, org string, roots map[string]bool) error {
	linked, err := r.tx.Suppliers(ctx, org)
	if err != nil || len(linked) == 0 {
		return err
	}
	for _, root := range sortedKeys(roots) {
		for _, sup := range linked {
			if err := r.supplierAlert(ctx, sup, root); err != nil {
				return fmt.Errorf("supplier alert %s for %s: %w", root, sup.ODSCode, err)
			}
		}
	}
	return nil
}

// customerExposure is one customer's affected components of a supplier's.
type customerExposure struct {
	org   string
	comps []vigil.AffectedComponent
}

// supplierAlert raises, rewords or resolves supplier sup's alert about vulnerability
// root from the open findings of sup's customers whose affected components are sup's.
func (r *reconcile) supplierAlert(ctx context.Context, sup vigil.Org, root string) error {
	all, err := r.tx.VulnExposures(ctx, root, "")
	if err != nil {
		return err
	}
	customers, err := r.tx.Customers(ctx, sup.ODSCode)
	if err != nil {
		return err
	}
	var affected []customerExposure
	var worst vigil.Exposure
	for _, e := range all {
		if !e.FixedAt.IsZero() || !slices.ContainsFunc(customers, func(o vigil.Org) bool { return o.ODSCode == e.Org }) {
			continue
		}
		var theirs []vigil.AffectedComponent
		for _, c := range e.Components {
			if supplierOf(c.Supplier, []vigil.Org{sup}) != "" {
				theirs = append(theirs, c)
			}
		}
		if len(theirs) > 0 {
			affected = append(affected, customerExposure{org: e.Org, comps: theirs})
			if worst.Vuln == "" || e.Severity.Rank() > worst.Severity.Rank() || e.KEV && !worst.KEV {
				worst = e
			}
		}
	}
	key := store.AlertKey{Org: sup.ODSCode, DedupKey: "vulnerability-supplier|" + root}
	existing, err := r.tx.AlertsByKey(ctx, []store.AlertKey{key})
	if err != nil {
		return err
	}
	old, had := existing[key]
	if len(affected) == 0 {
		if had {
			_, err = r.s.alerts.ResolveFixed(ctx, r.tx, old.ID, "vigil no longer finds "+root+" in your customers' software that comes from you.")
		}
		return err
	}
	title, body := supplierWords(sup, worst, affected)
	if had && old.Status != vigil.AlertResolved {
		if old.Title == title && old.Body == body {
			return nil
		}
		return r.tx.RewordAlert(ctx, old.ID, title, body)
	}
	a := vigil.Alert{Org: sup.ODSCode, Kind: vigil.AlertVulnerability, Severity: worst.Severity, Observable: sup.Name,
		Indicator: root, Sources: []string{"vulnerability advisories"}, TLP: vigil.TLPAmber, DedupKey: key.DedupKey}
	if had { // resolved before and affecting customers again: a new alert
		a.DedupKey += fmt.Sprintf("|%d", r.now.Unix())
	}
	ra := alerts.Raising{Alert: a}
	ra.Alert.Title, ra.Alert.Body = title, body
	if worst.KEV || worst.Severity.Rank() >= vigil.SeverityHigh.Rank() {
		ra.Due = r.s.deadline
	}
	_, created, err := r.s.alerts.Raise(ctx, r.tx, ra)
	if created {
		r.raised++
	}
	return err
}

// supplierWords is the consolidated alert's title and body: the vulnerability, and each
// customer with the components of the supplier's it runs.
func supplierWords(sup vigil.Org, e vigil.Exposure, affected []customerExposure) (string, string) {
	title := fmt.Sprintf("%s vulnerability in software you supply to %d customer%s (%s)", alerts.SeverityWord(e.Severity),
		len(affected), plural(len(affected)), displayID(e))
	var b strings.Builder
	fmt.Fprintf(&b, "Software that your customers' inventories say comes from %s has a published security weakness.\n\n", sup.Name)
	fmt.Fprintf(&b, "What it is: %s\nKnown as: %s\nHow serious: %s\n\n", cmpOr(e.Summary, "see the advisory "+e.Vuln),
		strings.Join(append([]string{e.Vuln}, e.Aliases...), ", "), seriousness(e))
	b.WriteString("Customers affected:\n")
	for _, c := range affected {
		var parts []string
		for _, comp := range c.comps {
			parts = append(parts, fmt.Sprintf("%s %s (inventory %q)", comp.Name, comp.Version, comp.Source))
		}
		fmt.Fprintf(&b, "- %s: %s\n", c.org, strings.Join(parts, ", "))
	}
	b.WriteString("\nPlease update the software for each of them. Each customer's own alert closes when their next inventory shows a version that is not affected, and this list shrinks with it. " +
		"If your own build fixes it, tell vigil from which version on your Vulnerabilities page, once for all of them.\n")
	return alerts.Shorten(title, 300), b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
