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

var orgKinds = []vigil.OrgKind{vigil.OrgTrust, vigil.OrgGP, vigil.OrgCareProvider, vigil.OrgSupplier, vigil.OrgCentre, vigil.OrgLSO}

func validKind(k vigil.OrgKind) error {
	for _, ok := range orgKinds {
		if k == ok {
			return nil
		}
	}
	return vigil.Errorf(vigil.EINVALID, "kind %q is not one of trust, gp, care_provider, supplier, centre, lso", k)
}

// orgRow is the organisation's own columns, validated.
type orgRow struct {
	ods, name, region, parent string
	kind                      vigil.OrgKind
	contacts                  []vigil.Contact
}

func (r *orgRow) validate() error {
	var err error
	if r.name, err = vigil.Text("name", r.name, 200, true); err != nil {
		return err
	}
	if r.region, err = vigil.Text("region", r.region, 100, false); err != nil {
		return err
	}
	if err = validKind(r.kind); err != nil {
		return err
	}
	if strings.TrimSpace(r.parent) != "" {
		if r.parent, err = vigil.NormalizeODS(r.parent); err != nil {
			return vigil.Errorf(vigil.EINVALID, "parent: %s", vigil.ErrorMessage(err))
		}
		if r.parent == r.ods {
			return vigil.Errorf(vigil.EINVALID, "%s cannot be its own parent", r.ods)
		}
	} else {
		r.parent = ""
	}
	r.contacts, err = normalizeContacts(r.contacts)
	return err
}

func normalizeContacts(cs []vigil.Contact) ([]vigil.Contact, error) {
	out := make([]vigil.Contact, 0, len(cs))
	for i, c := range cs {
		var err error
		if c.Name, err = vigil.Text(fmt.Sprintf("contact %d name", i+1), c.Name, 200, true); err != nil {
			return nil, err
		}
		c.Role, _ = vigil.Text("", c.Role, 200, false)
		c.Phone, _ = vigil.Text("", c.Phone, 50, false)
		if strings.TrimSpace(c.Email) != "" {
			if c.Email, err = normalizeEmail(c.Email); err != nil {
				return nil, vigil.Errorf(vigil.EINVALID, "contact %d: %s", i+1, vigil.ErrorMessage(err))
			}
		}
		if c.Notify, err = vigil.NormalizeNotify(c.Notify); err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "contact %d: %s", i+1, vigil.ErrorMessage(err))
		}
		out = append(out, c)
	}
	return out, nil
}

// CreateOrg registers an organisation with its assets, approved. It returns the stored
// organisation and the overlaps its IP ranges and domains have with other organisations'
// assets, which are accepted and recorded for an analyst (see ListOverlaps). A second
// organisation with the same ODS code is a conflict.
func (s *Store) CreateOrg(ctx context.Context, o vigil.Org) (vigil.Org, []vigil.Overlap, error) {
	return s.CreateOrgAs(ctx, o, Claimant{})
}

// CreateOrgAs is CreateOrg with who adds the assets; o.Pending is ignored.
func (s *Store) CreateOrgAs(ctx context.Context, o vigil.Org, who Claimant) (vigil.Org, []vigil.Overlap, error) {
	ods, err := vigil.NormalizeODS(o.ODSCode)
	if err != nil {
		return vigil.Org{}, nil, err
	}
	row := orgRow{ods: ods, name: o.Name, kind: o.Kind, region: o.Region, parent: o.Parent, contacts: o.Contacts}
	if err := row.validate(); err != nil {
		return vigil.Org{}, nil, err
	}
	assets, err := orgAssets(o)
	if err != nil {
		return vigil.Org{}, nil, err
	}
	var out vigil.Org
	var overlaps []vigil.Overlap
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		if err := tx.insertOrg(ctx, c, row); err != nil {
			return err
		}
		if overlaps, err = tx.addAssets(ctx, c, ods, assets, who); err != nil {
			return err
		}
		if len(assets) > 0 {
			if err := tx.bumpVersion(ctx, c, ScopeAssets); err != nil {
				return err
			}
		}
		out, err = tx.GetOrg(ctx, ods)
		return err
	})
	return out, overlaps, err
}

func (s *Store) insertOrg(ctx context.Context, c conn, r orgRow) error {
	if err := s.checkParent(ctx, c, r.ods, r.parent); err != nil {
		return err
	}
	contacts, _ := json.Marshal(r.contacts)
	now := dbTime(s.now())
	_, err := c.exec(ctx, `INSERT INTO orgs (ods_code, name, kind, region, parent, contacts, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ods, r.name, string(r.kind), r.region, nullString(r.parent), string(contacts), now, now)
	if isUniqueViolation(err) {
		return vigil.Errorf(vigil.ECONFLICT, "an organisation with ODS code %s is already registered", r.ods)
	}
	if err != nil {
		return fmt.Errorf("insert org %s: %w", r.ods, err)
	}
	return nil
}

// checkParent checks that parent (when set) is registered and is not ods or under it.
func (s *Store) checkParent(ctx context.Context, c conn, ods, parent string) error {
	for p, depth := parent, 0; p != ""; depth++ {
		if p == ods || depth > 32 {
			return vigil.Errorf(vigil.EINVALID, "parent %s would put %s inside itself", parent, ods)
		}
		var next sql.NullString
		err := c.row(ctx, `SELECT parent FROM orgs WHERE ods_code = ?`, p).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.EINVALID, "parent %s is not a registered organisation", p)
		}
		if err != nil {
			return fmt.Errorf("read parent %s: %w", p, err)
		}
		p = next.String
	}
	return nil
}

// GetOrg returns the organisation with the given ODS code and its assets.
func (s *Store) GetOrg(ctx context.Context, ods string) (vigil.Org, error) {
	code, err := vigil.NormalizeODS(ods)
	if err != nil {
		return vigil.Org{}, vigil.OrgNotFound(ods)
	}
	c := s.rdb()
	o, err := scanOrg(c.row(ctx, `SELECT `+orgColumns+` FROM orgs WHERE ods_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Org{}, vigil.OrgNotFound(code)
	}
	if err != nil {
		return vigil.Org{}, fmt.Errorf("get org %s: %w", code, err)
	}
	orgs := []vigil.Org{o}
	if err := s.fillAssets(ctx, c, orgs); err != nil {
		return vigil.Org{}, err
	}
	return orgs[0], nil
}

// UpdateOrg applies p to the organisation, its new assets approved, and returns it with
// the overlaps that its new assets caused.
func (s *Store) UpdateOrg(ctx context.Context, ods string, p vigil.OrgPatch) (vigil.Org, []vigil.Overlap, error) {
	return s.UpdateOrgAs(ctx, ods, p, Claimant{})
}

// UpdateOrgAs is UpdateOrg with who adds the assets: with who.Pending they wait for an
// analyst's approval. Assets the organisation has keep their status.
func (s *Store) UpdateOrgAs(ctx context.Context, ods string, p vigil.OrgPatch, who Claimant) (vigil.Org, []vigil.Overlap, error) {
	replace, add, remove, err := patchAssets(p)
	if err != nil {
		return vigil.Org{}, nil, err
	}
	var out vigil.Org
	var overlaps []vigil.Overlap
	err = s.inTx(ctx, func(tx *Store, c conn) error {
		cur, err := tx.GetOrg(ctx, ods)
		if err != nil {
			return err
		}
		if err := tx.updateOrgRow(ctx, c, cur, p); err != nil {
			return err
		}
		if overlaps, err = tx.updateAssets(ctx, c, cur, replace, add, remove, who); err != nil {
			return err
		}
		if replace != nil || len(add) > 0 || len(remove) > 0 {
			if err := tx.bumpVersion(ctx, c, ScopeAssets); err != nil {
				return err
			}
		}
		out, err = tx.GetOrg(ctx, cur.ODSCode)
		return err
	})
	return out, overlaps, err
}

func (s *Store) updateOrgRow(ctx context.Context, c conn, cur vigil.Org, p vigil.OrgPatch) error {
	r := orgRow{ods: cur.ODSCode, name: cur.Name, kind: cur.Kind, region: cur.Region, parent: cur.Parent, contacts: cur.Contacts}
	r.name = deref(p.Name, r.name)
	r.kind = deref(p.Kind, r.kind)
	r.region = deref(p.Region, r.region)
	r.parent = deref(p.Parent, r.parent)
	r.contacts = deref(p.Contacts, r.contacts)
	if err := r.validate(); err != nil {
		return err
	}
	if r.parent != cur.Parent {
		if err := s.checkParent(ctx, c, r.ods, r.parent); err != nil {
			return err
		}
	}
	contacts, _ := json.Marshal(r.contacts)
	_, err := c.exec(ctx, `UPDATE orgs SET name = ?, kind = ?, region = ?, parent = ?, contacts = ?, updated_at = ?
		WHERE ods_code = ?`, r.name, string(r.kind), r.region, nullString(r.parent), string(contacts), dbTime(s.now()), r.ods)
	if err != nil {
		return fmt.Errorf("update org %s: %w", r.ods, err)
	}
	return nil
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
