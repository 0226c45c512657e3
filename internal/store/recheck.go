package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
)

// The reads and writes of a re-check of many organisations at once: each is the
// one-organisation method's statement over a list of organisations, so that checking a
// thousand organisations after an advisory costs a handful of statements per hundred
// rather than a dozen each.

// orgArgs is orgs as query arguments.
func orgArgs(orgs []string) []any {
	args := make([]any, len(orgs))
	for i, o := range orgs {
		args[i] = o
	}
	return args
}

// InventoryComponentsOf returns the components of every inventory of each of orgs (at
// most batchRows organisations), by organisation, each in the order
// InventoryComponents(org, "") gives them but with the fields a vulnerability check
// reads only: no package URL or source package, which a check never needs and which
// would add a fifth to the reading of a thousand SBOMs.
func (s *Store) InventoryComponentsOf(ctx context.Context, orgs []string) (map[string][]vigil.Component, error) {
	out := make(map[string][]vigil.Component, len(orgs))
	if len(orgs) == 0 {
		return out, nil
	}
	rows, err := s.rdb().query(ctx, `SELECT org, source, ecosystem, name, version, vendor, product, supplier, location
		FROM inventory_components WHERE org IN (`+placeholders(len(orgs))+`) ORDER BY org, source, id`, orgArgs(orgs)...)
	if err != nil {
		return nil, fmt.Errorf("read components: %w", err)
	}
	defer rows.Close()
	var org string
	for rows.Next() {
		var x vigil.Component
		if err := rows.Scan(&org, &x.Source, &x.Ecosystem, &x.Name, &x.Version, &x.Vendor, &x.Product, &x.Supplier, &x.Location); err != nil {
			return nil, fmt.Errorf("scan component: %w", err)
		}
		out[org] = append(out[org], x)
	}
	return out, rows.Err()
}

// ExposuresOf returns every finding of each of orgs (at most batchRows), fixed ones
// included, by organisation, each list as OrgExposures returns it.
func (s *Store) ExposuresOf(ctx context.Context, orgs []string) (map[string][]vigil.Exposure, error) {
	out := make(map[string][]vigil.Exposure, len(orgs))
	if len(orgs) == 0 {
		return out, nil
	}
	list, err := s.exposures(ctx, s.rdb(), `f.org IN (`+placeholders(len(orgs))+`)`, orgArgs(orgs)...)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		out[e.Org] = append(out[e.Org], e)
	}
	return out, nil
}

// exposureRow is the width of one vuln_findings row as PutExposures writes it.
const exposureRow = 15

// PutExposures writes findings as PutExposure does each, in multi-row statements. Two
// of one organisation and vulnerability in one call are refused by PostgreSQL: callers
// pass each finding once.
func (s *Store) PutExposures(ctx context.Context, list []vigil.Exposure) error {
	for chunk := range slices.Chunk(list, batchRows/2) {
		args := make([]any, 0, exposureRow*len(chunk))
		for _, e := range chunk {
			args = append(args, exposureArgs(e)...)
		}
		_, err := s.wdb().exec(ctx, `INSERT INTO vuln_findings (org, vuln, aliases, summary, severity, score, kev, kev_due, epss,
		advice, components, alert_id, first_found, checked_at, fixed_at) VALUES `+valuesList(len(chunk), exposureRow)+`
		ON CONFLICT (org, vuln) DO UPDATE SET aliases = excluded.aliases, summary = excluded.summary,
		severity = excluded.severity, score = excluded.score, kev = excluded.kev, kev_due = excluded.kev_due,
		epss = excluded.epss, advice = excluded.advice, components = excluded.components, alert_id = excluded.alert_id,
		first_found = excluded.first_found, checked_at = excluded.checked_at, fixed_at = excluded.fixed_at`, args...)
		if err != nil {
			return fmt.Errorf("write %d findings: %w", len(chunk), err)
		}
	}
	return nil
}

// exposureArgs are e's column values in the order PutExposure(s) write them.
func exposureArgs(e vigil.Exposure) []any {
	aliases, _ := json.Marshal(nonNil(e.Aliases))
	advice, _ := json.Marshal(nonNil(e.Advice))
	comps, _ := json.Marshal(e.Components)
	if e.Components == nil {
		comps = []byte("[]")
	}
	var epss any
	if e.EPSS >= 0 {
		epss = e.EPSS
	}
	var alert any
	if e.AlertID != 0 {
		alert = e.AlertID
	}
	return []any{e.Org, e.Vuln, string(aliases), e.Summary, string(e.Severity), e.Score, e.KEV, e.KEVDueDate, epss, string(advice),
		string(comps), alert, dbTime(e.FirstFound), dbTime(e.CheckedAt), dbTime(e.FixedAt)}
}

// TouchExposuresOf is TouchExposures for each of orgs (at most batchRows) in one statement.
func (s *Store) TouchExposuresOf(ctx context.Context, orgs []string, at time.Time) error {
	if len(orgs) == 0 {
		return nil
	}
	args := append([]any{dbTime(at), dbTime(at)}, orgArgs(orgs)...)
	_, err := s.wdb().exec(ctx, `UPDATE vuln_findings SET checked_at = ? WHERE fixed_at IS NULL AND checked_at < ? AND org IN (`+
		placeholders(len(orgs))+`)`, args...)
	if err != nil {
		return fmt.Errorf("touch findings of %d organisations: %w", len(orgs), err)
	}
	return nil
}

// VEXStatementsOf returns the statements each of owners (at most batchRows) uploaded, by
// owner, each list as VEXStatements returns it.
func (s *Store) VEXStatementsOf(ctx context.Context, kind string, owners []string) (map[string][]vigil.VEXStatement, error) {
	out := map[string][]vigil.VEXStatement{}
	if len(owners) == 0 {
		return out, nil
	}
	// A supplier is named as its customers' inventories write it, ignoring ASCII case
	// (VEXStatements): each name asked for gets the statements of every spelling of it.
	col, asked := `owner`, map[string][]string{}
	for _, o := range owners {
		k := o
		if kind == VEXOwnerSupplier {
			col, k = `lower(owner)`, asciiLower(cleanText(o))
		}
		asked[k] = append(asked[k], o)
	}
	keys := slices.Sorted(maps.Keys(asked))
	rows, err := s.rdb().query(ctx, `SELECT owner, statement FROM vex_statements WHERE owner_kind = ? AND `+col+` IN (`+
		placeholders(len(keys))+`) ORDER BY id`, append([]any{kind}, orgArgs(keys)...)...)
	if err != nil {
		return nil, fmt.Errorf("VEX statements of %d owners: %w", len(owners), err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner, raw string
		if err := rows.Scan(&owner, &raw); err != nil {
			return nil, fmt.Errorf("VEX statements: %w", err)
		}
		var st vigil.VEXStatement
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return nil, fmt.Errorf("stored VEX statement of %s: %w", owner, err)
		}
		k := owner
		if kind == VEXOwnerSupplier {
			k = asciiLower(owner)
		}
		for _, o := range asked[k] {
			out[o] = append(out[o], st)
		}
	}
	return out, rows.Err()
}

// PutSuppressionsOf is PutSuppressions for each of orgs (at most batchRows): their
// suppressions become byOrg's, none for an organisation byOrg leaves out.
func (s *Store) PutSuppressionsOf(ctx context.Context, orgs []string, byOrg map[string][]vigil.VEXSuppression) error {
	if len(orgs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *Store, c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM vex_suppressions WHERE org IN (`+placeholders(len(orgs))+`)`, orgArgs(orgs)...); err != nil {
			return fmt.Errorf("suppressions of %d organisations: %w", len(orgs), err)
		}
		for _, org := range orgs {
			if len(byOrg[org]) == 0 {
				continue
			}
			if err := tx.PutSuppressions(ctx, org, byOrg[org]); err != nil {
				return err
			}
		}
		return nil
	})
}

// CustomersOfAny returns which of orgs (at most batchRows) are linked to a supplier.
func (s *Store) CustomersOfAny(ctx context.Context, orgs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(orgs) == 0 {
		return out, nil
	}
	rows, err := s.rdb().query(ctx, `SELECT DISTINCT customer FROM supplier_links WHERE customer IN (`+
		placeholders(len(orgs))+`)`, orgArgs(orgs)...)
	if err != nil {
		return nil, fmt.Errorf("customers among %d organisations: %w", len(orgs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		out[org] = true
	}
	return out, rows.Err()
}
