package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// On PostgreSQL the observable index is partitioned by UTC day (migration 00018): one
// partition per day, named observable_index_pYYYYMMDD, and a default partition for days
// without one (and the rows indexed before the migration). Housekeeping drops whole
// partitions past retention. SQLite keeps one table and deletes rows.

const partitionPrefix = "observable_index_p"

// partitionDays remembers the days this process made sure have a partition, so that an
// upload costs no statement for it after the first of the day.
type partitionDays struct{ m sync.Map }

// PrepareObservableDays makes sure each day's partition of the observable index exists
// (PostgreSQL; nothing on SQLite). Call it outside a transaction — creating a partition
// briefly locks the whole index — before indexing for a day: the telemetry upload does
// for its day, housekeeping for the days ahead. A day whose partition cannot be created
// (the default partition already holds rows of it) stays in the default partition.
func (s *Store) PrepareObservableDays(ctx context.Context, days ...time.Time) error {
	if !s.isPG() {
		return nil
	}
	for _, day := range days {
		d := dayText(day)
		if _, done := s.parts.m.Load(d); done {
			continue
		}
		if err := s.createPartition(ctx, day); err != nil {
			return err
		}
		s.parts.m.Store(d, true)
	}
	return nil
}

func (s *Store) createPartition(ctx context.Context, day time.Time) error {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	name := partitionPrefix + from.Format("20060102")
	if exists, err := s.relationExists(ctx, name); err != nil || exists {
		return err
	}
	_, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+name+` PARTITION OF observable_index
		FOR VALUES FROM ('`+dayText(from)+`') TO ('`+dayText(from.AddDate(0, 0, 1))+`')`)
	if err == nil {
		return nil
	}
	// Another server may have created it at the same moment; rows of the day already in
	// the default partition keep the day there.
	if exists, _ := s.relationExists(ctx, name); exists {
		return nil
	}
	s.log.WarnContext(ctx, "observable index: the day stays in the default partition", slog.String("day", dayText(from)),
		slog.Any("error", err))
	return nil
}

func (s *Store) relationExists(ctx context.Context, name string) (bool, error) {
	var ok bool
	if err := s.w.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		return false, fmt.Errorf("observable index partition %s: %w", name, err)
	}
	return ok, nil
}

// purgePartitions drops the day partitions before the UTC day of before and deletes the
// default partition's rows of those days; it returns how many rows went. A partition's
// rows are counted before it is dropped (one read of it, once a day), so that
// housekeeping reports the same figure on both engines.
func (s *Store) purgePartitions(ctx context.Context, before time.Time) (int64, error) {
	cutoff := partitionPrefix + time.Date(before.Year(), before.Month(), before.Day(), 0, 0, 0, 0, time.UTC).Format("20060102")
	names, err := s.partitionNames(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, name := range names {
		if name >= cutoff { // fixed-width names: text order is day order
			continue
		}
		var rows int64
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM `+name).Scan(&rows); err != nil {
			return n, fmt.Errorf("purge observable index: count %s: %w", name, err)
		}
		if _, err := s.w.ExecContext(ctx, `DROP TABLE `+name); err != nil {
			return n, fmt.Errorf("purge observable index: drop %s: %w", name, err)
		}
		s.parts.m.Delete(strings.TrimPrefix(name, partitionPrefix))
		n += rows
	}
	res, err := s.w.ExecContext(ctx, `DELETE FROM observable_index_default WHERE day < $1`, dayText(before))
	if err != nil {
		return n, fmt.Errorf("purge observable index: %w", err)
	}
	left, err := res.RowsAffected()
	return n + left, err
}

// partitionNames lists the day partitions of the observable index.
func (s *Store) partitionNames(ctx context.Context) ([]string, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'observable_index'::regclass AND c.relname LIKE 'observable\_index\_p%' ORDER BY c.relname`)
	if err != nil {
		return nil, fmt.Errorf("observable index partitions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
