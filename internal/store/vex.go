package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/vigil-health/vigil"
)

// Who a VEX document's statements belong to.
const (
	// VEXOwnerOrg: an organisation's own statements, applied to its findings.
	VEXOwnerOrg = "org"
	// VEXOwnerSupplier: a supplier's, applied at its customers to the components
	// attributed to it.
	VEXOwnerSupplier = "supplier"
)

// ReplaceVEX replaces the statements owner uploaded in the document named source with
// statements (none removes the document).
func (s *Store) ReplaceVEX(ctx context.Context, kind, owner, source, by string, statements []vigil.VEXStatement) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM vex_statements WHERE owner_kind = ? AND owner = ? AND source = ?`, kind, owner, source); err != nil {
			return fmt.Errorf("replace VEX %q of %s: %w", source, owner, err)
		}
		now := dbTime(s.now())
		for _, st := range statements {
			b, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if _, err := c.exec(ctx, `INSERT INTO vex_statements (owner_kind, owner, source, statement, uploaded_by, uploaded_at)
				VALUES (?, ?, ?, ?, ?, ?)`, kind, owner, source, string(b), by, now); err != nil {
				return fmt.Errorf("store VEX statement of %s: %w", owner, err)
			}
		}
		return nil
	})
}

// VEXStatements returns the statements owner uploaded, in upload order. A supplier is
// named as its customers' inventories write it, ignoring ASCII case.
func (s *Store) VEXStatements(ctx context.Context, kind, owner string) ([]vigil.VEXStatement, error) {
	q := `SELECT statement FROM vex_statements WHERE owner_kind = ? AND owner = ? ORDER BY id`
	if kind == VEXOwnerSupplier {
		q, owner = `SELECT statement FROM vex_statements WHERE owner_kind = ? AND lower(owner) = ? ORDER BY id`, asciiLower(cleanText(owner))
	}
	rows, err := s.rdb().query(ctx, q, kind, owner)
	if err != nil {
		return nil, fmt.Errorf("VEX statements of %s: %w", owner, err)
	}
	defer rows.Close()
	var out []vigil.VEXStatement
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, fmt.Errorf("VEX statements of %s: %w", owner, err)
		}
		var st vigil.VEXStatement
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return nil, fmt.Errorf("stored VEX statement of %s: %w", owner, err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// VEXDocuments lists the documents owner uploaded, by name, with how many statements
// each kept and who uploaded it when.
func (s *Store) VEXDocuments(ctx context.Context, kind, owner string) ([]vigil.VEXDocument, error) {
	rows, err := s.rdb().query(ctx, `SELECT source, count(*), max(uploaded_by), max(uploaded_at) FROM vex_statements
		WHERE owner_kind = ? AND owner = ? GROUP BY source ORDER BY source`, kind, owner)
	return collect(rows, err, "VEX documents of "+owner, func(rows *sql.Rows) (d vigil.VEXDocument, err error) {
		return d, rows.Scan(&d.Name, &d.Statements, &d.UploadedBy, scanTime(&d.UploadedAt))
	})
}

// OrgsWithSupplier returns, sorted, the organisations whose inventories attribute a
// component to the supplier named (ignoring ASCII case): its customers.
func (s *Store) OrgsWithSupplier(ctx context.Context, supplier string) ([]string, error) {
	rows, err := s.rdb().query(ctx, `SELECT DISTINCT org FROM inventory_components WHERE supplier <> '' AND lower(supplier) = ? ORDER BY org`,
		asciiLower(cleanText(supplier)))
	if err != nil {
		return nil, fmt.Errorf("customers of %s: %w", supplier, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, err
		}
		out = append(out, org)
	}
	return out, rows.Err()
}

// PutSuppressions replaces the organisation's suppressions with list.
func (s *Store) PutSuppressions(ctx context.Context, org string, list []vigil.VEXSuppression) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM vex_suppressions WHERE org = ?`, org); err != nil {
			return fmt.Errorf("suppressions of %s: %w", org, err)
		}
		for _, x := range list {
			comps, _ := json.Marshal(x.Components)
			if _, err := c.exec(ctx, `INSERT INTO vex_suppressions (org, vuln, status, justification, reason, supplier, components, decided_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, org, x.Vuln, string(x.Status), x.Justification, x.Reason, cleanText(x.Supplier),
				string(comps), dbTime(x.DecidedAt)); err != nil {
				return fmt.Errorf("suppression %s of %s: %w", x.Vuln, org, err)
			}
		}
		return nil
	})
}

// Suppressions returns the organisation's suppressed findings by vulnerability; every
// organisation's when org is empty.
func (s *Store) Suppressions(ctx context.Context, org string) ([]vigil.VEXSuppression, error) {
	if org == "" {
		return s.suppressions(ctx, ``)
	}
	return s.suppressions(ctx, ` WHERE org = ?`, org)
}

// SupplierSuppressions returns the findings the statements of the supplier named (its
// name as inventories write it, ignoring ASCII case) closed at its customers.
func (s *Store) SupplierSuppressions(ctx context.Context, supplier string) ([]vigil.VEXSuppression, error) {
	return s.suppressions(ctx, ` WHERE supplier <> '' AND lower(supplier) = ?`, asciiLower(cleanText(supplier)))
}

func (s *Store) suppressions(ctx context.Context, where string, args ...any) ([]vigil.VEXSuppression, error) {
	q := `SELECT org, vuln, status, justification, reason, supplier, components, decided_at FROM vex_suppressions` + where
	rows, err := s.rdb().query(ctx, q+` ORDER BY org, vuln`, args...)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	defer rows.Close()
	var out []vigil.VEXSuppression
	for rows.Next() {
		var x vigil.VEXSuppression
		var status, comps string
		if err := rows.Scan(&x.Org, &x.Vuln, &status, &x.Justification, &x.Reason, &x.Supplier, &comps, scanTime(&x.DecidedAt)); err != nil {
			return nil, fmt.Errorf("suppressions: %w", err)
		}
		x.Status = vigil.VEXStatus(status)
		_ = json.Unmarshal([]byte(comps), &x.Components)
		out = append(out, x)
	}
	return out, rows.Err()
}
