package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

const orgColumns = `ods_code, name, kind, region, parent, contacts, created_at, updated_at`

func scanOrg(sc scanner) (vigil.Org, error) {
	var o vigil.Org
	var parent sql.NullString
	var contacts string
	err := sc.Scan(&o.ODSCode, &o.Name, &o.Kind, &o.Region, &parent, &contacts, scanTime(&o.CreatedAt), scanTime(&o.UpdatedAt))
	if err != nil {
		return vigil.Org{}, err
	}
	o.Parent = parent.String
	if err := json.Unmarshal([]byte(contacts), &o.Contacts); err != nil {
		return vigil.Org{}, fmt.Errorf("org %s contacts: %w", o.ODSCode, err)
	}
	return o, nil
}

// orgOrders are the orders of the organisation list (vigil.OrgSort).
var orgOrders = sortedList[vigil.OrgSort, vigil.Org]{kind: "org", tie: "ods_code", tieArg: textArg,
	tieKey: func(o vigil.Org) string { return o.ODSCode },
	orders: map[vigil.OrgSort]keyOrder[vigil.Org]{
		vigil.OrgByCode:   {col: "ods_code", keyAsc: true, key: func(o vigil.Org) string { return o.ODSCode }, arg: textArg},
		vigil.OrgByName:   {col: "name", keyAsc: true, tieAsc: true, key: func(o vigil.Org) string { return o.Name }, arg: textArg},
		vigil.OrgByKind:   {col: "kind", keyAsc: true, tieAsc: true, key: func(o vigil.Org) string { return string(o.Kind) }, arg: textArg},
		vigil.OrgByRegion: {col: "region", keyAsc: true, tieAsc: true, key: func(o vigil.Org) string { return o.Region }, arg: textArg},
	}}

// ListOrgs returns organisations in f.Sort's order with their assets, and the cursor of
// the next page ("" on the last page).
func (s *Store) ListOrgs(ctx context.Context, f vigil.OrgFilter) ([]vigil.Org, string, error) {
	if err := f.Sort.Check(); err != nil {
		return nil, "", err
	}
	sort := f.Sort.Or()
	var w where
	if err := orgOrders.after(&w, sort, f.Cursor); err != nil {
		return nil, "", err
	}
	w.add(f.Kind != "", "kind = ?", string(f.Kind))
	w.add(f.Region != "", "region = ?", f.Region)
	if q := strings.TrimSpace(f.Search); q != "" {
		w.add(true, `(ods_code LIKE ? ESCAPE '\' OR lower(name) LIKE ? ESCAPE '\')`,
			likeEscape(strings.ToUpper(q))+"%", "%"+likeEscape(strings.ToLower(q))+"%")
	}
	w.orgsOf(f.Audience, "ods_code")
	limit := vigil.PageLimit(f.Limit)
	orgs, err := s.queryOrgs(ctx, s.rdb(), `SELECT `+orgColumns+` FROM orgs`+w.String()+orgOrders.orderBy(sort)+` LIMIT ?`, append(w.args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list orgs: %w", err)
	}
	orgs, next := orgOrders.page(sort, orgs, limit)
	return orgs, next, nil
}

// queryOrgs runs a query selecting orgColumns and loads the assets of what it finds.
func (s *Store) queryOrgs(ctx context.Context, c conn, q string, args ...any) ([]vigil.Org, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var orgs []vigil.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return orgs, s.fillAssets(ctx, c, orgs)
}

// LinkSupplier records that supplier serves customer. The supplier must be of kind
// supplier; linking twice does nothing.
func (s *Store) LinkSupplier(ctx context.Context, supplier, customer string) error {
	return s.inTx(ctx, func(tx *Store, c conn) error {
		sup, cus, err := tx.linkPair(ctx, supplier, customer)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `INSERT INTO supplier_links (supplier, customer, created_at) VALUES (?, ?, ?)
			ON CONFLICT (supplier, customer) DO NOTHING`, sup, cus, dbTime(tx.now()))
		if err != nil {
			return fmt.Errorf("link supplier %s to %s: %w", sup, cus, err)
		}
		return nil
	})
}

// UnlinkSupplier removes the link between supplier and customer; removing a link that
// does not exist does nothing.
func (s *Store) UnlinkSupplier(ctx context.Context, supplier, customer string) error {
	_, err := s.wdb().exec(ctx, `DELETE FROM supplier_links WHERE supplier = ? AND customer = ?`,
		strings.ToUpper(strings.TrimSpace(supplier)), strings.ToUpper(strings.TrimSpace(customer)))
	if err != nil {
		return fmt.Errorf("unlink supplier: %w", err)
	}
	return nil
}

// linkPair checks both organisations exist and that the first is a supplier.
func (s *Store) linkPair(ctx context.Context, supplier, customer string) (string, string, error) {
	sup, err := s.GetOrg(ctx, supplier)
	if err != nil {
		return "", "", err
	}
	if sup.Kind != vigil.OrgSupplier {
		return "", "", vigil.Errorf(vigil.EINVALID, "%s is a %s, not a supplier", sup.ODSCode, sup.Kind)
	}
	cus, err := s.GetOrg(ctx, customer)
	if err != nil {
		return "", "", err
	}
	if cus.ODSCode == sup.ODSCode {
		return "", "", vigil.Errorf(vigil.EINVALID, "a supplier cannot be its own customer")
	}
	return sup.ODSCode, cus.ODSCode, nil
}

// Suppliers returns the suppliers linked to customer, in ODS-code order.
func (s *Store) Suppliers(ctx context.Context, customer string) ([]vigil.Org, error) {
	return s.linked(ctx, `SELECT o.ods_code, o.name, o.kind, o.region, o.parent, o.contacts, o.created_at, o.updated_at
		FROM supplier_links l JOIN orgs o ON o.ods_code = l.supplier WHERE l.customer = ? ORDER BY o.ods_code`, customer)
}

// Customers returns the organisations supplier serves, in ODS-code order.
func (s *Store) Customers(ctx context.Context, supplier string) ([]vigil.Org, error) {
	return s.linked(ctx, `SELECT o.ods_code, o.name, o.kind, o.region, o.parent, o.contacts, o.created_at, o.updated_at
		FROM supplier_links l JOIN orgs o ON o.ods_code = l.customer WHERE l.supplier = ? ORDER BY o.ods_code`, supplier)
}

func (s *Store) linked(ctx context.Context, q, ods string) ([]vigil.Org, error) {
	org, err := s.GetOrg(ctx, ods)
	if err != nil {
		return nil, err
	}
	orgs, err := s.queryOrgs(ctx, s.rdb(), q, org.ODSCode)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("linked orgs of %s: %w", org.ODSCode, err)
	}
	return orgs, nil
}

// Audience is what p may see (vigil.Audience): for a supplier, it reads the customers;
// for an organisation member, whether it is named among the organisation's contacts.
func (s *Store) Audience(ctx context.Context, p vigil.Principal) (vigil.Audience, error) {
	if p.Role == vigil.RoleOrgMember && p.Org != "" {
		a := vigil.AudienceOf(p, nil)
		named, err := s.IsNamedContact(ctx, p.Org, p.Email)
		a.NotNamed = !named
		return a, err
	}
	if p.Role != vigil.RoleSupplier || p.Org == "" {
		return vigil.AudienceOf(p, nil), nil
	}
	cs, err := s.Customers(ctx, p.Org)
	if err != nil {
		return vigil.Audience{}, err
	}
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.ODSCode
	}
	return vigil.AudienceOf(p, codes), nil
}
