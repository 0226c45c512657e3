package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// inventoryColumns is the width of one inventory_components row as PutInventory writes it.
const inventoryColumns = 12

// PutInventory stores an organisation's inventory under inv.Source. With merge false the
// source's components become comps; with merge true comps are added to them, and a
// component equal to a stored one in ecosystem, name, version, vendor, product and
// location replaces it. keys[i] is the package key of comps[i] (vuln.PackageKey; "" for a
// product outside package ecosystems). inv.Components is ignored: the stored count is
// what the source holds afterwards. A zero inv.UploadedAt means now. Merges into one
// source by concurrent writers are serialised, none lost.
func (s *Store) PutInventory(ctx context.Context, inv vigil.Inventory, comps []vigil.Component, keys []string, merge bool) error {
	if len(keys) != len(comps) {
		return fmt.Errorf("put inventory: %d keys for %d components", len(keys), len(comps))
	}
	rows := make([]inventoryRow, len(comps))
	for i := range comps {
		rows[i] = inventoryRow{comps[i], keys[i]}
	}
	if inv.UploadedAt.IsZero() {
		inv.UploadedAt = s.now()
	}
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		// Writing the inventory's row first locks it, so that two merges into one
		// source take turns and the second reads what the first stored.
		if err := tx.upsertInventory(ctx, c, inv); err != nil {
			return err
		}
		all := rows
		if merge {
			old, err := tx.inventoryRows(ctx, c, inv.Org, inv.Source)
			if err != nil {
				return err
			}
			all = append(old, rows...)
		}
		all = latestOfEach(all)
		if _, err := c.exec(ctx, `UPDATE inventories SET component_count = ? WHERE org = ? AND source = ?`,
			len(all), inv.Org, cleanText(inv.Source)); err != nil {
			return fmt.Errorf("count components: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM inventory_components WHERE org = ? AND source = ?`, inv.Org, cleanText(inv.Source)); err != nil {
			return fmt.Errorf("clear components: %w", err)
		}
		return insertComponents(ctx, c, inv.Org, inv.Source, all)
	})
	if err != nil {
		return fmt.Errorf("put inventory %q of %s: %w", inv.Source, inv.Org, err)
	}
	return nil
}

// inventoryRow is a component with its package key.
type inventoryRow struct {
	c   vigil.Component
	key string
}

// identity is what makes two components of one source the same component.
type identity struct{ ecosystem, name, version, vendor, product, location string }

func (r *inventoryRow) identity() identity {
	return identity{r.c.Ecosystem, r.c.Name, r.c.Version, r.c.Vendor, r.c.Product, r.c.Location}
}

// latestOfEach keeps one row per identity, the last given, in the order each identity
// first appeared, so a merged upload keeps the stored order and appends what is new.
func latestOfEach(rows []inventoryRow) []inventoryRow {
	at := make(map[identity]int, len(rows))
	out := rows[:0:0]
	for _, r := range rows {
		r.c = cleanComponent(r.c)
		id := r.identity()
		if i, seen := at[id]; seen {
			out[i] = r
			continue
		}
		at[id] = len(out)
		out = append(out, r)
	}
	return out
}

// cleanComponent makes every text field storable on both engines (PostgreSQL refuses
// NUL bytes and invalid UTF-8, which an uploaded file may well hold).
func cleanComponent(c vigil.Component) vigil.Component {
	for _, f := range []*string{&c.Ecosystem, &c.Name, &c.Version, &c.SourcePackage, &c.PURL, &c.Vendor,
		&c.Product, &c.Supplier, &c.Location} {
		*f = cleanText(*f)
	}
	return c
}

// dbPackageKey is how a package key is stored: its NUL separator (which PostgreSQL text
// cannot hold) becomes the unit separator U+001F, which no ecosystem name contains.
func dbPackageKey(key string) string {
	return cleanText(strings.Replace(key, "\x00", "\x1f", 1))
}

func (s *Store) upsertInventory(ctx context.Context, c conn, inv vigil.Inventory) error {
	problems := inv.Problems
	if problems == nil {
		problems = []vigil.InventoryProblem{}
	}
	pj, err := json.Marshal(problems)
	if err != nil {
		return fmt.Errorf("encode problems: %w", err)
	}
	_, err = c.exec(ctx, `INSERT INTO inventories (org, source, format, uploaded_at, uploaded_by, component_count, problems)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org, source) DO UPDATE SET format = excluded.format, uploaded_at = excluded.uploaded_at,
		uploaded_by = excluded.uploaded_by, component_count = excluded.component_count, problems = excluded.problems`,
		inv.Org, cleanText(inv.Source), cleanText(inv.Format), dbTime(inv.UploadedAt), inv.UploadedBy, inv.Components,
		cleanText(string(pj)))
	if isForeignKeyViolation(err) {
		return vigil.OrgNotFound(inv.Org)
	}
	if err != nil {
		return fmt.Errorf("store inventory: %w", err)
	}
	return nil
}

// insertComponents writes rows in multi-row statements.
func insertComponents(ctx context.Context, c conn, org, source string, rows []inventoryRow) error {
	source = cleanText(source)
	for chunk := range slices.Chunk(rows, batchRows) {
		args := make([]any, 0, inventoryColumns*len(chunk))
		for _, r := range chunk {
			args = append(args, org, source, r.c.Ecosystem, r.c.Name, r.c.Version, r.c.SourcePackage, r.c.PURL,
				r.c.Vendor, r.c.Product, r.c.Supplier, r.c.Location, dbPackageKey(r.key))
		}
		q := `INSERT INTO inventory_components (org, source, ecosystem, name, version, source_package, purl, vendor,
			product, supplier, location, pkg_key) VALUES ` + valuesList(len(chunk), inventoryColumns)
		if _, err := c.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert components: %w", err)
		}
	}
	return nil
}

const componentColumns = `source, ecosystem, name, version, source_package, purl, vendor, product, supplier, location, pkg_key`

// inventoryRows reads the stored components of org (one source, or all when source is
// "") with their package keys, in the order they were stored.
func (s *Store) inventoryRows(ctx context.Context, c conn, org, source string) ([]inventoryRow, error) {
	var w where
	w.add(true, "org = ?", org)
	w.add(source != "", "source = ?", source)
	rows, err := c.query(ctx, `SELECT `+componentColumns+` FROM inventory_components`+w.String()+` ORDER BY source, id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("read components: %w", err)
	}
	defer rows.Close()
	var out []inventoryRow
	for rows.Next() {
		var r inventoryRow
		x := &r.c
		if err := rows.Scan(&x.Source, &x.Ecosystem, &x.Name, &x.Version, &x.SourcePackage, &x.PURL, &x.Vendor,
			&x.Product, &x.Supplier, &x.Location, &r.key); err != nil {
			return nil, fmt.Errorf("scan component: %w", err)
		}
		r.key = strings.Replace(r.key, "\x1f", "\x00", 1)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Inventories returns the inventories an organisation keeps, by source name.
func (s *Store) Inventories(ctx context.Context, org string) ([]vigil.Inventory, error) {
	rows, err := s.rdb().query(ctx, `SELECT org, source, format, uploaded_at, uploaded_by, component_count, problems
		FROM inventories WHERE org = ? ORDER BY source`, org)
	if err != nil {
		return nil, fmt.Errorf("list inventories of %s: %w", org, err)
	}
	defer rows.Close()
	var out []vigil.Inventory
	for rows.Next() {
		var inv vigil.Inventory
		var problems string
		if err := rows.Scan(&inv.Org, &inv.Source, &inv.Format, scanTime(&inv.UploadedAt), &inv.UploadedBy,
			&inv.Components, &problems); err != nil {
			return nil, fmt.Errorf("scan inventory: %w", err)
		}
		if err := json.Unmarshal([]byte(problems), &inv.Problems); err != nil {
			return nil, fmt.Errorf("problems of inventory %q: %w", inv.Source, err)
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

// InventoryComponents returns the components of an organisation's inventory source, or
// of all its sources when source is "", by source and in the order they were uploaded.
func (s *Store) InventoryComponents(ctx context.Context, org, source string) ([]vigil.Component, error) {
	rows, err := s.inventoryRows(ctx, s.rdb(), org, source)
	if err != nil {
		return nil, fmt.Errorf("components of %s: %w", org, err)
	}
	out := make([]vigil.Component, len(rows))
	for i := range rows {
		out[i] = rows[i].c
	}
	return out, nil
}

// DeleteInventory removes an organisation's inventory source and its components.
func (s *Store) DeleteInventory(ctx context.Context, org, source string) error {
	return s.inTx(ctx, func(_ *Store, c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM inventory_components WHERE org = ? AND source = ?`, org, source); err != nil {
			return fmt.Errorf("delete components of %q: %w", source, err)
		}
		res, err := c.exec(ctx, `DELETE FROM inventories WHERE org = ? AND source = ?`, org, source)
		if err != nil {
			return fmt.Errorf("delete inventory %q: %w", source, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return InventoryNotFound(org, source)
		}
		return nil
	})
}

// InventoryNotFound is the answer for an inventory source an organisation does not keep.
func InventoryNotFound(org, source string) error {
	return vigil.Errorf(vigil.ENOTFOUND, "%s has no inventory named %q: list them with GET /api/v1/orgs/%s/inventory", org, source, org)
}

// LastInventoryUpload returns when the organisation last uploaded any inventory it
// still keeps; the zero time when there is none.
func (s *Store) LastInventoryUpload(ctx context.Context, org string) (time.Time, error) {
	var t time.Time
	if err := s.rdb().row(ctx, `SELECT MAX(uploaded_at) FROM inventories WHERE org = ?`, org).Scan(scanTime(&t)); err != nil {
		return t, fmt.Errorf("last inventory upload of %s: %w", org, err)
	}
	return t, nil
}

// OrgsWithPackages returns, sorted, the organisations whose inventories hold a component
// under any of keys (vuln.PackageKey): those a new advisory about those packages must be
// checked against.
func (s *Store) OrgsWithPackages(ctx context.Context, keys []string) ([]string, error) {
	enc := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "" {
			enc = append(enc, dbPackageKey(k))
		}
	}
	return s.orgsWhere(ctx, "pkg_key", "pkg_key", enc)
}

// OrgsWithVendors returns, sorted, the organisations whose inventories hold a component
// from any of vendors, compared without regard to case (ASCII letters, as both engines'
// lower() fold them).
func (s *Store) OrgsWithVendors(ctx context.Context, vendors []string) ([]string, error) {
	low := make([]string, 0, len(vendors))
	for _, v := range vendors {
		if v != "" {
			low = append(low, asciiLower(cleanText(v)))
		}
	}
	return s.orgsWhere(ctx, "vendor", "lower(vendor)", low)
}

// asciiLower lowers ASCII letters only, as SQLite's lower() does and PostgreSQL's does
// under the C collation the column uses.
func asciiLower(v string) string {
	b := []byte(v)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// orgsWhere returns the distinct organisations with a component whose expr is in values,
// asking in batches that stay under both engines' parameter limits. That col is not empty is said
// too, so that both engines use the partial index over col.
func (s *Store) orgsWhere(ctx context.Context, col, expr string, values []string) ([]string, error) {
	seen := map[string]bool{}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(values))), batchRows) {
		args := make([]any, len(chunk))
		for i, v := range chunk {
			args[i] = v
		}
		rows, err := s.rdb().query(ctx, `SELECT DISTINCT org FROM inventory_components WHERE `+col+` <> '' AND `+expr+
			` IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("organisations by %s: %w", expr, err)
		}
		for rows.Next() {
			var org string
			if err := rows.Scan(&org); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan organisation: %w", err)
			}
			seen[org] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
