package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// listings are when each source last listed its whole current set (migration 00039): a
// complete import (a list feed's pull, a replace) or a list feed answering that nothing
// changed. Every claim such a source holds was listed then, so a claim is read as
// published at the later of its own published time and its source's listing. A
// complete import leaves the published time of the claims it holds unchanged as it was
// (SourceImport.WholeSet): rewriting it would mark every kept range the source's claims
// lie in stale (ADR 0004), and the rebuild after every routine re-pull would read them
// from rows again.
type listings map[string]time.Time

// readListings reads every source's listing time.
func readListings(ctx context.Context, c conn) (listings, error) {
	rows, err := c.query(ctx, `SELECT source, listed_at FROM source_listings`)
	if err != nil {
		return nil, fmt.Errorf("read sources' listings: %w", err)
	}
	defer rows.Close()
	l := listings{}
	for rows.Next() {
		var source string
		var at time.Time
		if err := rows.Scan(&source, scanTime(&at)); err != nil {
			return nil, fmt.Errorf("read sources' listings: %w", err)
		}
		l[source] = at
	}
	return l, rows.Err()
}

// apply sets each claim of si as published no earlier than its source's listing.
func (l listings) apply(si *vigil.StoredIndicator) {
	for i := range si.Sources {
		src := &si.Sources[i]
		if at, ok := l[src.Source]; ok && at.After(src.Published) {
			src.Published = at
		}
	}
}

// each returns fn applying the listings first.
func (l listings) each(fn func(*vigil.StoredIndicator) error) func(*vigil.StoredIndicator) error {
	if len(l) == 0 {
		return fn
	}
	return func(si *vigil.StoredIndicator) error {
		l.apply(si)
		return fn(si)
	}
}

// withListings reads the listings and returns fn applying them.
func (s *Store) withListings(ctx context.Context, fn func(*vigil.StoredIndicator) error) (func(*vigil.StoredIndicator) error, error) {
	l, err := readListings(ctx, s.rdb())
	if err != nil {
		return nil, err
	}
	return l.each(fn), nil
}

// recordListing notes that source listed its whole set at at.
func (s *Store) recordListing(ctx context.Context, c conn, source string, at time.Time) error {
	if _, err := c.exec(ctx, `INSERT INTO source_listings (source, listed_at) VALUES (?, ?)
		ON CONFLICT (source) DO UPDATE SET listed_at = excluded.listed_at`, source, dbTime(at)); err != nil {
		return fmt.Errorf("record the listing of %q: %w", source, err)
	}
	return nil
}

// ConfirmListing notes that source (a list feed) answered at at that its set is as it
// was at its last pull: every claim it holds counts as published again at at, with
// nothing written to the claims. The next rebuild of the matcher sees it (the hourly
// one, or any other).
func (s *Store) ConfirmListing(ctx context.Context, source string, at time.Time) error {
	return s.inTx(ctx, func(tx *Store, c conn) error { return tx.recordListing(ctx, c, source, at) })
}
