package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// AlertKey names an alert by its organisation and dedup key (vigil.Alert.DedupKey).
type AlertKey struct {
	// Org is the alert's organisation's ODS code.
	Org string
	// DedupKey is the key its flow gave it.
	DedupKey string
}

// AlertsByKey returns the alerts that have the given keys, by key; a key with no alert
// is absent. It reads at most one query's worth of keys (a page of a list).
func (s *Store) AlertsByKey(ctx context.Context, keys []AlertKey) (map[AlertKey]vigil.Alert, error) {
	out := map[AlertKey]vigil.Alert{}
	if len(keys) == 0 {
		return out, nil
	}
	conds := make([]string, len(keys))
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		conds[i] = "(org = ? AND dedup_key = ?)"
		args = append(args, k.Org, k.DedupKey)
	}
	rows, err := s.rdb().query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE `+strings.Join(conds, " OR "), args...)
	if err != nil {
		return nil, fmt.Errorf("alerts by key: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("alerts by key: %w", err)
		}
		out[AlertKey{a.Org, a.DedupKey}] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts by key: %w", err)
	}
	return out, nil
}
