package store

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ioc"
)

// NormalizeAsset returns the asset in the form the store keeps: a network masked and
// unmapped (ioc.Prefix, which refuses networks wider than /8 or /32), a name lower-case
// punycode without a trailing dot (ioc.Domain, which refuses public suffixes). The error
// says what is wrong in words a person can act on.
func NormalizeAsset(a vigil.Asset) (vigil.Asset, error) {
	n, err := normalizeAsset(a)
	return n.Asset, err
}

// normAsset is a normalised asset with its parsed network.
type normAsset struct {
	vigil.Asset
	prefix netip.Prefix
}

func normalizeAsset(a vigil.Asset) (normAsset, error) {
	v := strings.TrimSpace(a.Value)
	switch a.Kind {
	case vigil.AssetIPRange:
		if !strings.Contains(v, "/") {
			if addr, ok := ioc.Addr(v); ok {
				v = netip.PrefixFrom(addr, addr.BitLen()).String()
			}
		}
		p, err := ioc.Prefix(v)
		if err != nil {
			return normAsset{}, vigil.Errorf(vigil.EINVALID, "IP range %q: %v", a.Value, err)
		}
		return normAsset{vigil.Asset{Kind: vigil.AssetIPRange, Value: p.String()}, p}, nil
	case vigil.AssetDomain, vigil.AssetHostname:
		d, err := ioc.Domain(v)
		if err != nil {
			return normAsset{}, vigil.Errorf(vigil.EINVALID, "%s %q: %v", strings.ReplaceAll(string(a.Kind), "_", " "), a.Value, err)
		}
		return normAsset{Asset: vigil.Asset{Kind: a.Kind, Value: d}}, nil
	}
	return normAsset{}, vigil.Errorf(vigil.EINVALID, "asset kind %q is not one of ip_range, domain, hostname", a.Kind)
}

// normalizeAssets normalises every asset and drops repeats.
func normalizeAssets(in []vigil.Asset) ([]normAsset, error) {
	out := make([]normAsset, 0, len(in))
	seen := make(map[vigil.Asset]bool, len(in))
	for _, a := range in {
		n, err := normalizeAsset(a)
		if err != nil {
			return nil, err
		}
		if !seen[n.Asset] {
			seen[n.Asset] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// Claimant is who adds assets in a change, and whether they wait for a sector analyst.
type Claimant struct {
	// By is the audit actor adding them (an e-mail address, or "cli"), kept with each
	// asset as who claimed it.
	By string
	// Pending holds the new assets for an analyst's approval (an organisation's own
	// claims); otherwise they are approved at once (the sector's, and bulk imports).
	Pending bool
}

// status is the status new assets of c get.
func (c Claimant) status() vigil.AssetStatus {
	if c.Pending {
		return vigil.AssetPending
	}
	return vigil.AssetApproved
}

// OrgAssets lists the approved assets of o: its IP ranges, domains and hostnames.
func OrgAssets(o vigil.Org) []vigil.Asset {
	out := make([]vigil.Asset, 0, len(o.IPRanges)+len(o.Domains)+len(o.Hostnames))
	for _, p := range o.IPRanges {
		out = append(out, vigil.Asset{Kind: vigil.AssetIPRange, Value: p.String()})
	}
	for _, d := range o.Domains {
		out = append(out, vigil.Asset{Kind: vigil.AssetDomain, Value: d})
	}
	for _, h := range o.Hostnames {
		out = append(out, vigil.Asset{Kind: vigil.AssetHostname, Value: h})
	}
	return out
}

func orgAssets(o vigil.Org) ([]normAsset, error) {
	for _, p := range o.IPRanges {
		if !p.IsValid() {
			return nil, vigil.Errorf(vigil.EINVALID, "an IP range is empty or not valid")
		}
	}
	return normalizeAssets(OrgAssets(o))
}

// patchAssets normalises the asset changes in p; replace is nil when p.Assets is.
func patchAssets(p vigil.OrgPatch) (replace, add, remove []normAsset, err error) {
	if p.Assets != nil {
		if replace, err = normalizeAssets(*p.Assets); err != nil {
			return nil, nil, nil, err
		}
		if replace == nil {
			replace = []normAsset{}
		}
	}
	if add, err = normalizeAssets(p.AddAssets); err != nil {
		return nil, nil, nil, err
	}
	if remove, err = normalizeAssets(p.RemoveAssets); err != nil {
		return nil, nil, nil, err
	}
	return replace, add, remove, nil
}

// updateAssets brings the organisation's assets from what cur has to replace (when not
// nil) plus add minus remove, touching only the assets that change.
func (s *Store) updateAssets(ctx context.Context, c conn, cur vigil.Org, replace, add, remove []normAsset, who Claimant) ([]vigil.Overlap, error) {
	if replace == nil && len(add) == 0 && len(remove) == 0 {
		return nil, nil
	}
	have, pending := map[vigil.Asset]bool{}, map[vigil.Asset]bool{}
	for _, a := range OrgAssets(cur) {
		have[a] = true
	}
	for _, a := range cur.Pending {
		have[a], pending[a] = true, true
	}
	want := map[vigil.Asset]normAsset{}
	if replace == nil {
		for a := range have {
			want[a] = normAsset{Asset: a}
		}
	}
	for _, a := range slices.Concat(replace, add) {
		want[a.Asset] = a
	}
	for _, a := range remove {
		delete(want, a.Asset)
	}
	var added []normAsset
	for _, a := range slices.Concat(replace, add) {
		if _, ok := want[a.Asset]; ok && (!have[a.Asset] || !who.Pending && pending[a.Asset]) {
			added = append(added, a)                      // new, or pending and now added by the sector: approved
			have[a.Asset], pending[a.Asset] = true, false // a repeat in replace and add is added once
		}
	}
	for a := range have {
		if _, ok := want[a]; !ok {
			if _, err := c.exec(ctx, `DELETE FROM assets WHERE org = ? AND kind = ? AND value = ?`, cur.ODSCode, string(a.Kind), a.Value); err != nil {
				return nil, fmt.Errorf("remove asset %s: %w", a.Value, err)
			}
		}
	}
	return s.addAssets(ctx, c, cur.ODSCode, added, who)
}

// addAssets inserts the organisation's new assets as who adds them and records how they
// overlap other organisations' assets (pending or approved, so that an analyst sees a
// claim on someone else's network before approving it). An asset the organisation has
// pending that the sector adds is approved. Asset writers are serialised so that two
// organisations adding overlapping ranges at once still see each other.
func (s *Store) addAssets(ctx context.Context, c conn, org string, assets []normAsset, who Claimant) ([]vigil.Overlap, error) {
	if len(assets) == 0 {
		return nil, nil
	}
	if err := s.lockAssets(ctx, c); err != nil {
		return nil, err
	}
	var overlaps []vigil.Overlap
	for _, a := range assets {
		id, err := s.insertAsset(ctx, c, org, a, who)
		if err != nil {
			return nil, err
		}
		if id == 0 { // already registered: approved now if the sector adds it
			if err := s.approveExisting(ctx, c, org, a, who); err != nil {
				return nil, err
			}
			continue
		}
		found, err := s.flagOverlaps(ctx, c, org, id, a)
		if err != nil {
			return nil, err
		}
		overlaps = append(overlaps, found...)
	}
	return overlaps, nil
}

// insertAsset stores one asset and returns its id, or 0 when the org already has it.
func (s *Store) insertAsset(ctx context.Context, c conn, org string, a normAsset, who Claimant) (int64, error) {
	var family, rname any
	var start, end []byte
	if a.Kind == vigil.AssetIPRange {
		family, start, end = rangeBounds(a.prefix)
	} else {
		rname = reverseLabels(a.Value)
	}
	now, reviewedBy, reviewedAt := s.now(), "", any(nil)
	if !who.Pending {
		reviewedBy, reviewedAt = who.By, dbTime(now)
	}
	rows, err := c.query(ctx, `INSERT INTO assets (org, kind, value, family, range_start, range_end, rname, created_at,
		status, claimed_by, reviewed_by, reviewed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org, kind, value) DO NOTHING RETURNING id`,
		org, string(a.Kind), a.Value, family, start, end, rname, dbTime(now),
		string(who.status()), who.By, reviewedBy, reviewedAt)
	if err != nil {
		return 0, fmt.Errorf("insert asset %s: %w", a.Value, err)
	}
	id, err := scanOptionalID(rows)
	if err != nil {
		return 0, fmt.Errorf("insert asset %s: %w", a.Value, err)
	}
	return id, nil
}

// approveExisting approves the organisation's pending asset a when who is the sector.
func (s *Store) approveExisting(ctx context.Context, c conn, org string, a normAsset, who Claimant) error {
	if who.Pending {
		return nil
	}
	_, err := c.exec(ctx, `UPDATE assets SET status = ?, reviewed_by = ?, reviewed_at = ?
		WHERE org = ? AND kind = ? AND value = ? AND status = ?`,
		string(vigil.AssetApproved), who.By, dbTime(s.now()), org, string(a.Kind), a.Value, string(vigil.AssetPending))
	if err != nil {
		return fmt.Errorf("approve asset %s: %w", a.Value, err)
	}
	return nil
}

// rangeBounds returns the address family (4 or 6) and the first and last addresses of p
// as 16 bytes each, IPv4 mapped into IPv6, so that byte order is address order.
func rangeBounds(p netip.Prefix) (family int, start, end []byte) {
	family, hostBits := 6, 128-p.Bits()
	if p.Addr().Is4() {
		family, hostBits = 4, 32-p.Bits()
	}
	first := p.Masked().Addr().As16()
	last := first
	for i := 15; hostBits > 0; i-- {
		n := min(hostBits, 8)
		last[i] |= byte(1<<n - 1)
		hostBits -= n
	}
	return family, first[:], last[:]
}

// fillAssets loads the assets of every organisation in orgs: the approved ones into
// IPRanges, Domains and Hostnames, the pending ones into Pending.
func (s *Store) fillAssets(ctx context.Context, c conn, orgs []vigil.Org) error {
	if len(orgs) == 0 {
		return nil
	}
	index := make(map[string]*vigil.Org, len(orgs))
	args := make([]any, len(orgs))
	for i := range orgs {
		index[orgs[i].ODSCode] = &orgs[i]
		args[i] = orgs[i].ODSCode
	}
	rows, err := c.query(ctx, `SELECT org, kind, value, status FROM assets WHERE org IN (`+placeholders(len(args))+`)
		ORDER BY org, kind, family, range_start, value`, args...)
	if err != nil {
		return fmt.Errorf("load assets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org, kind, value, status string
		if err := rows.Scan(&org, &kind, &value, &status); err != nil {
			return fmt.Errorf("load assets: %w", err)
		}
		o := index[org]
		if vigil.AssetStatus(status) != vigil.AssetApproved {
			o.Pending = append(o.Pending, vigil.Asset{Kind: vigil.AssetKind(kind), Value: value})
			continue
		}
		switch vigil.AssetKind(kind) {
		case vigil.AssetIPRange:
			o.IPRanges = append(o.IPRanges, netip.MustParsePrefix(value))
		case vigil.AssetDomain:
			o.Domains = append(o.Domains, value)
		case vigil.AssetHostname:
			o.Hostnames = append(o.Hostnames, value)
		}
	}
	return rows.Err()
}

// AssetClaims returns every organisation's approved assets, ordered by organisation, for
// building the Early Warning router: an asset pending an analyst's approval routes
// nothing.
func (s *Store) AssetClaims(ctx context.Context) ([]vigil.AssetClaim, error) {
	rows, err := s.rdb().query(ctx, `SELECT org, kind, value FROM assets WHERE status = ? ORDER BY org, kind, value`,
		string(vigil.AssetApproved))
	if err != nil {
		return nil, fmt.Errorf("asset claims: %w", err)
	}
	defer rows.Close()
	var out []vigil.AssetClaim
	for rows.Next() {
		var c vigil.AssetClaim
		var value string
		if err := rows.Scan(&c.Org, &c.Kind, &value); err != nil {
			return nil, fmt.Errorf("asset claims: %w", err)
		}
		if c.Kind == vigil.AssetIPRange {
			if c.Prefix, err = netip.ParsePrefix(value); err != nil {
				return nil, fmt.Errorf("asset claims: stored range %q: %w", value, err)
			}
		} else {
			c.Name = value
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
