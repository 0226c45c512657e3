package sightings

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/vigil-health/vigil"
)

// ListSightings lists the sightings p may see, newest first, and the cursor of the next
// page: every organisation's for sector roles (f.Org to pick one), their own for
// organisation roles, and for a supplier its own and its customers', one organisation
// after another, without its customers' sightings marked TLP:AMBER+STRICT or TLP:RED.
// An organisation p may not see is answered as one that does not exist.
func (s *Service) ListSightings(ctx context.Context, p vigil.Principal, f vigil.SightingFilter) ([]vigil.Sighting, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return nil, "", err
	}
	switch {
	case aud.All && f.Org == "":
	case f.Org != "":
		code, err := vigil.NormalizeODS(f.Org)
		if err != nil || !aud.SeesOrg(code) {
			return nil, "", orgNotFound(f.Org)
		}
		f.Org = code
	case len(aud.Customers) == 0:
		f.Org = aud.Own
	default:
		return s.listOrgs(ctx, aud, f)
	}
	rows, next, err := s.store.ListSightings(ctx, f)
	return visible(aud, rows), next, err
}

// listOrgs lists the sightings of every organisation a supplier sees, one after another
// in ODS-code order, each newest first, with a cursor of its own (orgCursor).
func (s *Service) listOrgs(ctx context.Context, aud vigil.Audience, f vigil.SightingFilter) ([]vigil.Sighting, string, error) {
	cur, err := decodeOrgCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	orgs := aud.Orgs()
	start, found := slices.BinarySearch(orgs, cur.Org)
	if !found {
		cur.Cursor = ""
	}
	limit := limitOf(f.Limit)
	var items []vigil.Sighting
	for i := start; i < len(orgs); i++ {
		page := f
		page.Org, page.Limit, page.Cursor = orgs[i], limit-len(items), ""
		if i == start {
			page.Cursor = cur.Cursor
		}
		rows, next, err := s.store.ListSightings(ctx, page)
		if err != nil {
			return nil, "", err
		}
		items = append(items, visible(aud, rows)...)
		switch {
		case next != "":
			return items, orgCursor{Org: orgs[i], Cursor: next}.encode(), nil
		case len(rows) == page.Limit && i+1 < len(orgs):
			return items, orgCursor{Org: orgs[i+1]}.encode(), nil
		}
	}
	return items, "", nil
}

// visible keeps the rows the audience may see.
func visible(aud vigil.Audience, rows []vigil.Sighting) []vigil.Sighting {
	out := make([]vigil.Sighting, 0, len(rows))
	for _, r := range rows {
		if aud.Sees(r.Org, r.TLP) {
			out = append(out, r)
		}
	}
	return out
}

// orgCursor pages a list the store cannot page across several organisations: the
// organisation reached and the store's cursor within it, as base64url JSON (the form
// the API's other lists across a supplier's customers use).
type orgCursor struct {
	Org    string `json:"o"`
	Cursor string `json:"c,omitempty"`
}

func (c orgCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeOrgCursor(s string) (orgCursor, error) {
	var c orgCursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Org == "" {
		return c, vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	return c, nil
}

// limitOf is the page size for a requested limit, as the store applies it.
func limitOf(n int) int {
	if n <= 0 {
		return vigil.DefaultLimit
	}
	return min(n, vigil.MaxLimit)
}

// orgNotFound is the answer for an organisation that does not exist or that the caller
// may not see: the same words either way, as the store would say them.
func orgNotFound(ods string) error {
	code, err := vigil.NormalizeODS(ods)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no organisation %q", ods)
	}
	return vigil.Errorf(vigil.ENOTFOUND, "no organisation %s", code)
}
