package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"time"
)

// AssetCoverage is what the organisations have registered for Early Warning to watch.
type AssetCoverage struct {
	// Orgs is how many organisations have at least one approved asset.
	Orgs int
	// IPv4Addresses is how many IPv4 addresses the approved ranges hold, each counted
	// once however many ranges hold it.
	IPv4Addresses int64
	// IPv6Networks is how many /64 networks the approved IPv6 ranges hold, each counted
	// once.
	IPv6Networks int64
	// Domains and Hostnames are how many distinct domains (each with every name under it)
	// and single host names are registered.
	Domains, Hostnames int
}

// ReportAssets measures the approved assets registered before to.
func (s *Store) ReportAssets(ctx context.Context, to time.Time) (AssetCoverage, error) {
	var c AssetCoverage
	err := s.rdb().row(ctx, `SELECT count(DISTINCT org),
		count(DISTINCT CASE WHEN kind = 'domain' THEN value END),
		count(DISTINCT CASE WHEN kind = 'hostname' THEN value END)
		FROM assets WHERE status = 'approved' AND created_at < ?`, dbTime(to)).Scan(&c.Orgs, &c.Domains, &c.Hostnames)
	if err != nil {
		return c, fmt.Errorf("tally assets for the report: %w", err)
	}
	rows, err := s.rdb().query(ctx, `SELECT family, range_start, range_end FROM assets
		WHERE kind = 'ip_range' AND status = 'approved' AND created_at < ? ORDER BY family, range_start`, dbTime(to))
	ranges, err := collect(rows, err, "read IP ranges for the report", func(rows *sql.Rows) (r addrRange, err error) {
		return r, rows.Scan(&r.family, &r.start, &r.end)
	})
	if err != nil {
		return c, err
	}
	c.IPv4Addresses, c.IPv6Networks = countAddresses(ranges)
	return c, nil
}

// addrRange is one registered IP range as stored: 16-byte first and last addresses.
type addrRange struct {
	family     int
	start, end []byte
}

// countAddresses merges ranges sorted by family and first address, and counts the IPv4
// addresses and the IPv6 /64 networks they cover, each once.
func countAddresses(ranges []addrRange) (v4, v6 int64) {
	var fam int
	var lo, hi uint64
	open := false
	flush := func() {
		if !open {
			return
		}
		if fam == 4 {
			v4 += int64(hi-lo) + 1
		} else {
			v6 += int64(hi-lo) + 1
		}
	}
	for _, r := range ranges {
		if len(r.start) != 16 || len(r.end) != 16 {
			continue // not a range the store wrote; never expected
		}
		a, b := unitsOf(r)
		if open && fam == r.family && a <= hi {
			hi = max(hi, b)
			continue
		}
		flush()
		fam, lo, hi, open = r.family, a, b, true
	}
	flush()
	return v4, v6
}

// unitsOf is r's first and last unit counted: IPv4 addresses, or IPv6 /64 networks.
func unitsOf(r addrRange) (first, last uint64) {
	if r.family == 4 {
		return uint64(binary.BigEndian.Uint32(r.start[12:])), uint64(binary.BigEndian.Uint32(r.end[12:]))
	}
	return binary.BigEndian.Uint64(r.start[:8]), binary.BigEndian.Uint64(r.end[:8])
}
