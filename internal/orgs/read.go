package orgs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
)

// Get returns an organisation p may see; any other is not found. A supplier sees its
// customers without their contacts: their staff's details are not the supplier's to see.
func (s *Service) Get(ctx context.Context, p vigil.Principal, ods string) (vigil.Org, error) {
	if err := p.Need(vigil.People...); err != nil {
		return vigil.Org{}, err
	}
	aud, err := s.store.Audience(ctx, p)
	if err != nil {
		return vigil.Org{}, err
	}
	code, err := vigil.NormalizeODS(ods)
	if err != nil || !aud.SeesOrg(code) {
		return vigil.Org{}, vigil.OrgNotFound(ods)
	}
	o, err := s.store.GetOrg(ctx, code)
	if err != nil {
		return vigil.Org{}, err
	}
	return withoutForeignContacts(aud, o), nil
}

// withoutForeignContacts drops the contacts of an organisation that is not the
// audience's own, unless the audience is the sector's.
func withoutForeignContacts(aud vigil.Audience, o vigil.Org) vigil.Org {
	if !aud.All && o.ODSCode != aud.Own {
		o.Contacts = nil
	}
	return o
}

// List returns a page of the organisations p may see, in ODS-code order, and the cursor
// of the next page ("" on the last): every one for sector roles, its own for
// organisation roles, itself and its customers (without their contacts) for a supplier.
func (s *Service) List(ctx context.Context, p vigil.Principal, f vigil.OrgFilter) ([]vigil.Org, string, error) {
	if err := p.Need(vigil.People...); err != nil {
		return nil, "", err
	}
	if p.Role.Sector() {
		return s.store.ListOrgs(ctx, f)
	}
	return s.listOwn(ctx, p, f)
}

// listOwn lists a non-sector caller's organisation and, for a supplier, its customers,
// paged here: there are few. The cursor is the last organisation listed.
func (s *Service) listOwn(ctx context.Context, p vigil.Principal, f vigil.OrgFilter) ([]vigil.Org, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	own, err := s.store.GetOrg(ctx, p.Org)
	if err != nil {
		return nil, "", err
	}
	orgs := []vigil.Org{own}
	if p.Role == vigil.RoleSupplier {
		cs, err := s.store.Customers(ctx, p.Org)
		if err != nil {
			return nil, "", err
		}
		orgs = append(orgs, cs...)
		slices.SortFunc(orgs, func(x, y vigil.Org) int { return strings.Compare(x.ODSCode, y.ODSCode) })
	}
	aud := vigil.AudienceOf(p, codes(orgs))
	limit := vigil.PageLimit(f.Limit)
	var page []vigil.Org
	for _, o := range orgs {
		if o.ODSCode <= after || f.Kind != "" && o.Kind != f.Kind || f.Region != "" && o.Region != f.Region {
			continue
		}
		if len(page) == limit {
			return page, encodeCursor(page[len(page)-1].ODSCode), nil
		}
		page = append(page, withoutForeignContacts(aud, o))
	}
	return page, "", nil
}

func codes(orgs []vigil.Org) []string {
	out := make([]string, len(orgs))
	for i, o := range orgs {
		out[i] = o.ODSCode
	}
	return out
}

// pageCursor is the cursor of listOwn's pages: the organisation reached, as base64url
// JSON. It has the shape of the API's cursor across several organisations, so that a
// cursor handed out before these lists moved here still works.
type pageCursor struct {
	Org string `json:"o"`
}

func encodeCursor(org string) string {
	b, _ := json.Marshal(pageCursor{Org: org})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	var c pageCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Org == "" {
		return "", vigil.Errorf(vigil.EINVALID, "the page cursor is not valid here; start again from the first page")
	}
	return c.Org, nil
}

// Overlaps returns a page of the flagged overlaps between organisations' assets, oldest
// first, and the cursor of the next page; sector roles only.
func (s *Service) Overlaps(ctx context.Context, p vigil.Principal, f vigil.OverlapFilter) ([]vigil.Overlap, string, error) {
	if err := p.Need(vigil.SectorRoles...); err != nil {
		return nil, "", err
	}
	return s.store.ListOverlaps(ctx, f)
}
