package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vigil-health/vigil"
)

// OrgCreated is what CreateOrgs did with one organisation.
type OrgCreated struct {
	// Org is the organisation as stored; zero when Err is set.
	Org vigil.Org
	// Overlaps are the overlaps its assets flagged with other organisations' assets.
	Overlaps []vigil.Overlap
	// Err says why it was refused, in CreateOrg's words: nil when it was created.
	Err error
}

// CreateOrgs registers many organisations at once in the transaction s is bound to (or
// one of its own), with the outcome of CreateOrgAs on each in order, each refusal
// refusing only its own organisation: a bad field, an ODS code already registered (or
// taken earlier in the batch), a parent that is neither registered nor created earlier
// in the batch. It writes the organisations, their assets and the overlaps they flag in
// a few multi-row statements for the whole batch rather than some fifteen for each, and
// finds overlaps set-wise: one lookup of every asset that could overlap any of the new
// ones, matched in memory. Asset writers are serialised as in CreateOrg (an advisory
// lock on PostgreSQL, not a table lock); the asset change is counted once.
func (s *Store) CreateOrgs(ctx context.Context, orgs []vigil.Org, who Claimant) ([]OrgCreated, error) {
	out := make([]OrgCreated, len(orgs))
	rows := make([]orgRow, len(orgs))
	assets := make([][]normAsset, len(orgs))
	for i, o := range orgs {
		rows[i], assets[i], out[i].Err = newOrgRow(o)
	}
	err := s.inTx(ctx, func(tx *Store, c conn) error {
		for i := range out {
			out[i].Overlaps = nil
		}
		return tx.createOrgs(ctx, c, rows, assets, who, out)
	})
	return out, err
}

// newOrgRow validates o as CreateOrgAs does.
func newOrgRow(o vigil.Org) (orgRow, []normAsset, error) {
	ods, err := vigil.NormalizeODS(o.ODSCode)
	if err != nil {
		return orgRow{}, nil, err
	}
	row := orgRow{ods: ods, name: o.Name, kind: o.Kind, region: o.Region, parent: o.Parent, contacts: o.Contacts}
	if err := row.validate(); err != nil {
		return orgRow{}, nil, err
	}
	assets, err := orgAssets(o)
	return row, assets, err
}

// createOrgs is CreateOrgs in the transaction; out holds the rows already refused.
func (s *Store) createOrgs(ctx context.Context, c conn, rows []orgRow, assets [][]normAsset, who Claimant, out []OrgCreated) error {
	registered, err := s.registeredOrgs(ctx, c, rows, out)
	if err != nil {
		return err
	}
	var keep []int
	for i, r := range rows {
		if out[i].Err != nil {
			continue
		}
		switch {
		case registered[r.ods]:
			out[i].Err = vigil.Errorf(vigil.ECONFLICT, "an organisation with ODS code %s is already registered", r.ods)
		case r.parent != "" && !registered[r.parent]:
			out[i].Err = vigil.Errorf(vigil.EINVALID, "parent %s is not a registered organisation", r.parent)
		default:
			registered[r.ods] = true // a parent of later rows, and taken for a repeat of its code
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	if err := s.insertOrgs(ctx, c, rows, keep); err != nil {
		return err
	}
	return s.addOrgsAssets(ctx, c, rows, assets, keep, who, out)
}

// registeredOrgs reads which of the rows' codes and parents are registered.
func (s *Store) registeredOrgs(ctx context.Context, c conn, rows []orgRow, out []OrgCreated) (map[string]bool, error) {
	var codes []string
	for i, r := range rows {
		if out[i].Err == nil {
			codes = append(codes, r.ods)
			if r.parent != "" {
				codes = append(codes, r.parent)
			}
		}
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	found := make(map[string]bool, len(codes))
	for part := range slices.Chunk(codes, writeRows) {
		rs, err := c.query(ctx, `SELECT ods_code FROM orgs WHERE ods_code IN (`+placeholders(len(part))+`)`, anys(part)...)
		if err == nil {
			err = eachRow(rs, func(sc scanner) error {
				var code string
				err := sc.Scan(&code)
				found[code] = true
				return err
			})
		}
		if err != nil {
			return nil, fmt.Errorf("read registered organisations: %w", err)
		}
	}
	return found, nil
}

// insertOrgs inserts the rows at the indexes keep, multi-row, in order, so that a parent
// created in the batch precedes its children.
func (s *Store) insertOrgs(ctx context.Context, c conn, rows []orgRow, keep []int) error {
	now := dbTime(s.now())
	for part := range slices.Chunk(keep, writeRows) {
		args := make([]any, 0, 8*len(part))
		for _, i := range part {
			r := rows[i]
			contacts, _ := json.Marshal(r.contacts)
			args = append(args, r.ods, r.name, string(r.kind), r.region, nullString(r.parent), string(contacts), now, now)
		}
		_, err := c.exec(ctx, `INSERT INTO orgs (ods_code, name, kind, region, parent, contacts, created_at, updated_at)
			VALUES `+valuesList(len(part), 8), args...)
		if err != nil {
			return fmt.Errorf("insert organisations: %w", err)
		}
	}
	return nil
}

// addOrgsAssets inserts the new organisations' assets, flags their overlaps and reads
// the organisations back as stored.
func (s *Store) addOrgsAssets(ctx context.Context, c conn, rows []orgRow, assets [][]normAsset, keep []int, who Claimant, out []OrgCreated) error {
	var added []newAsset
	for _, i := range keep {
		for _, a := range assets[i] {
			added = append(added, newAsset{org: rows[i].ods, row: i, a: a})
		}
	}
	if len(added) > 0 {
		if err := s.lockAssets(ctx, c); err != nil {
			return err
		}
		if err := s.insertAssets(ctx, c, added, who); err != nil {
			return err
		}
		if err := s.flagOverlapsAll(ctx, c, added, out); err != nil {
			return err
		}
		if err := s.bumpVersion(ctx, c, ScopeAssets); err != nil {
			return err
		}
	}
	codes := make([]string, len(keep))
	for j, i := range keep {
		codes[j] = rows[i].ods
	}
	stored, err := s.getOrgs(ctx, c, codes)
	if err != nil {
		return err
	}
	for _, i := range keep {
		out[i].Org = stored[rows[i].ods]
	}
	return nil
}

// newAsset is an asset of an organisation created in a batch, with its row id once
// inserted.
type newAsset struct {
	org string
	row int // the organisation's index in the batch
	a   normAsset
	id  int64
}

// insertAssets inserts the new assets as who adds them, multi-row, and sets their ids.
// The organisations are new, so none of their assets is stored yet.
func (s *Store) insertAssets(ctx context.Context, c conn, added []newAsset, who Claimant) error {
	now, reviewedBy, reviewedAt := dbTime(s.now()), "", any(nil)
	if !who.Pending {
		reviewedBy, reviewedAt = who.By, now
	}
	type key struct{ org, kind, value string }
	for part := range slices.Chunk(added, writeRows) {
		at := make(map[key]*newAsset, len(part))
		args := make([]any, 0, 12*len(part))
		for j := range part {
			n := &part[j]
			at[key{n.org, string(n.a.Kind), n.a.Value}] = n
			var family, rname any
			var start, end []byte
			if n.a.Kind == vigil.AssetIPRange {
				family, start, end = rangeBounds(n.a.prefix)
			} else {
				rname = reverseLabels(n.a.Value)
			}
			args = append(args, n.org, string(n.a.Kind), n.a.Value, family, start, end, rname, now,
				string(who.status()), who.By, reviewedBy, reviewedAt)
		}
		rs, err := c.query(ctx, `INSERT INTO assets (org, kind, value, family, range_start, range_end, rname, created_at,
			status, claimed_by, reviewed_by, reviewed_at) VALUES `+valuesList(len(part), 12)+`
			RETURNING id, org, kind, value`, args...)
		if err == nil {
			err = eachRow(rs, func(sc scanner) error {
				var k key
				var id int64
				if err := sc.Scan(&id, &k.org, &k.kind, &k.value); err != nil {
					return err
				}
				if n := at[k]; n != nil {
					n.id = id
				}
				return nil
			})
		}
		if err != nil {
			return fmt.Errorf("insert assets: %w", err)
		}
	}
	return nil
}

// getOrgs reads organisations with their assets, by code.
func (s *Store) getOrgs(ctx context.Context, c conn, codes []string) (map[string]vigil.Org, error) {
	out := make(map[string]vigil.Org, len(codes))
	for part := range slices.Chunk(codes, writeRows) {
		var orgs []vigil.Org
		rs, err := c.query(ctx, `SELECT `+orgColumns+` FROM orgs WHERE ods_code IN (`+placeholders(len(part))+`)`, anys(part)...)
		if err == nil {
			err = eachRow(rs, func(sc scanner) error {
				o, err := scanOrg(sc)
				orgs = append(orgs, o)
				return err
			})
		}
		if err != nil {
			return nil, fmt.Errorf("read organisations: %w", err)
		}
		if err := s.fillAssets(ctx, c, orgs); err != nil {
			return nil, err
		}
		for _, o := range orgs {
			out[o.ODSCode] = o
		}
	}
	return out, nil
}
