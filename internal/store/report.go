package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vigil-health/vigil"
)

// The sector report's figures, each grouped by the database so that only tallies come
// back: how many rows a period has never decides how much is read into memory, except
// for the IP ranges (one row per registered range, merged here to count addresses once).

// ReportAlertTally is how many alerts of one kind and severity went to organisations of
// one kind in one region during a period.
type ReportAlertTally struct {
	// OrgKind and Region describe the organisations alerted.
	OrgKind vigil.OrgKind
	Region  string
	// Kind and Severity describe the alerts.
	Kind     vigil.AlertKind
	Severity vigil.Severity
	// Count is how many alerts were raised.
	Count int
}

// OrgTally is how many organisations of one kind in one region answer a question.
type OrgTally struct {
	// Region and Kind describe the organisations.
	Region string
	Kind   vigil.OrgKind
	// Count is how many organisations.
	Count int
}

// SightingTally is what telemetry matched for one indicator type during a period.
type SightingTally struct {
	// Type is the indicator type matched.
	Type vigil.IndicatorType
	// Events is how many telemetry events matched, Indicators how many distinct
	// indicators, Orgs how many organisations' telemetry.
	Events     int64
	Indicators int
	Orgs       int
}

// TelemetryTally is how much telemetry arrived during a period.
type TelemetryTally struct {
	// Orgs is how many organisations sent telemetry, and OrgDays on how many
	// organisation-days (one organisation sending on one day counts once).
	Orgs, OrgDays int
	// Sensors is how many sensor tokens sent telemetry; Uploads and Events how many
	// uploads and events they sent (from telemetry_sources, kept since migration 20).
	Sensors         int
	Uploads, Events int64
}

// FeedTally is the state of the intelligence feeds during a period.
type FeedTally struct {
	// Subscribed is how many feeds are configured, Enabled how many are pulled on their
	// schedule, and PulledSince how many last succeeded at or after the start of the period.
	Subscribed, Enabled, PulledSince int
}

// ReportAlerts tallies the alerts raised at or after from and before to by the
// organisation's kind and region and the alert's kind and severity.
func (s *Store) ReportAlerts(ctx context.Context, from, to time.Time) ([]ReportAlertTally, error) {
	// Tally by organisation first, then join the few tallies to their organisations:
	// one join per organisation and kind of alert, not per alert.
	rows, err := s.rdb().query(ctx, `SELECT o.kind, o.region, t.kind, t.severity, sum(t.n) FROM
		(SELECT org, kind, severity, count(*) AS n FROM alerts WHERE created_at >= ? AND created_at < ?
		 GROUP BY org, kind, severity) AS t
		JOIN orgs o ON o.ods_code = t.org GROUP BY o.kind, o.region, t.kind, t.severity`, dbTime(from), dbTime(to))
	return collect(rows, err, "tally alerts for the report", func(rows *sql.Rows) (t ReportAlertTally, err error) {
		return t, rows.Scan(&t.OrgKind, &t.Region, &t.Kind, &t.Severity, &t.Count)
	})
}

// OrgsAlerted tallies, by region and kind, the organisations that were sent at least one
// alert raised at or after from and before to.
func (s *Store) OrgsAlerted(ctx context.Context, from, to time.Time) ([]OrgTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT o.region, o.kind, count(*) FROM
		(SELECT DISTINCT org FROM alerts WHERE created_at >= ? AND created_at < ?) AS t
		JOIN orgs o ON o.ods_code = t.org GROUP BY o.region, o.kind`, dbTime(from), dbTime(to))
	return collect(rows, err, "tally organisations alerted", scanOrgTally)
}

// OrgsRegistered tallies, by region and kind, the organisations registered before to.
func (s *Store) OrgsRegistered(ctx context.Context, to time.Time) ([]OrgTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT region, kind, count(*) FROM orgs WHERE created_at < ?
		GROUP BY region, kind`, dbTime(to))
	return collect(rows, err, "tally organisations registered", scanOrgTally)
}

func scanOrgTally(rows *sql.Rows) (t OrgTally, err error) {
	return t, rows.Scan(&t.Region, &t.Kind, &t.Count)
}

// ReportSightings tallies the sightings of the UTC days from from (inclusive) to to
// (exclusive) by indicator type. Sightings older than the retention period are purged,
// so a period reaching further back counts only what is left.
func (s *Store) ReportSightings(ctx context.Context, from, to time.Time) ([]SightingTally, error) {
	rows, err := s.rdb().query(ctx, `SELECT indicator_type, CAST(sum(count) AS BIGINT), count(DISTINCT indicator),
		count(DISTINCT org) FROM sightings WHERE day >= ? AND day < ? GROUP BY indicator_type ORDER BY 1`,
		dayText(from), dayText(to))
	return collect(rows, err, "tally sightings for the report", func(rows *sql.Rows) (t SightingTally, err error) {
		return t, rows.Scan(&t.Type, &t.Events, &t.Indicators, &t.Orgs)
	})
}

// ReportTelemetry counts the organisations that sent telemetry on the UTC days from
// from (inclusive) to to (exclusive), from the keyed observable index (which is purged
// after the retention period like the sightings; it reads the index's day index only),
// and the sensor tokens, uploads and events from telemetry_sources.
func (s *Store) ReportTelemetry(ctx context.Context, from, to time.Time) (TelemetryTally, error) {
	var t TelemetryTally
	err := s.rdb().row(ctx, `SELECT count(DISTINCT org), count(*) FROM
		(SELECT DISTINCT org, day FROM observable_index WHERE day >= ? AND day < ?) AS sent`,
		dayText(from), dayText(to)).Scan(&t.Orgs, &t.OrgDays)
	if err != nil {
		return t, fmt.Errorf("tally telemetry for the report: %w", err)
	}
	err = s.rdb().row(ctx, `SELECT count(DISTINCT token_id), CAST(COALESCE(sum(uploads), 0) AS BIGINT),
		CAST(COALESCE(sum(events), 0) AS BIGINT) FROM telemetry_sources WHERE day >= ? AND day < ?`,
		dayText(from), dayText(to)).Scan(&t.Sensors, &t.Uploads, &t.Events)
	if err != nil {
		return t, fmt.Errorf("tally sensors for the report: %w", err)
	}
	return t, nil
}

// RecordTelemetrySource counts one upload of events by the sensor token tokenID for
// org on the UTC day of day, for the sector report.
func (s *Store) RecordTelemetrySource(ctx context.Context, tokenID int64, org string, day time.Time, events int64) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO telemetry_sources (token_id, org, day, uploads, events) VALUES (?, ?, ?, 1, ?)
		ON CONFLICT (token_id, day) DO UPDATE SET uploads = telemetry_sources.uploads + 1,
		events = telemetry_sources.events + excluded.events`, tokenID, org, dayText(day), events)
	if err != nil {
		return fmt.Errorf("record the telemetry of token %d: %w", tokenID, err)
	}
	return nil
}

// ReportFeeds counts the feeds configured, those enabled, and those whose last
// successful pull was at or after since.
func (s *Store) ReportFeeds(ctx context.Context, since time.Time) (FeedTally, error) {
	var t FeedTally
	err := s.rdb().row(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN enabled THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN last_success_at >= ? THEN 1 ELSE 0 END), 0) FROM feeds`, dbTime(since)).
		Scan(&t.Subscribed, &t.Enabled, &t.PulledSince)
	if err != nil {
		return t, fmt.Errorf("tally feeds for the report: %w", err)
	}
	return t, nil
}

// IndicatorsReceived tallies the indicators first received from a source at or after
// from and before to, by type: each indicator counts once however many sources sent it.
func (s *Store) IndicatorsReceived(ctx context.Context, from, to time.Time) (map[vigil.IndicatorType]int, error) {
	rows, err := s.rdb().query(ctx, `SELECT i.type, count(DISTINCT i.id) FROM indicators i
		JOIN indicator_sources src ON src.indicator_id = i.id WHERE src.added_at >= ? AND src.added_at < ?
		GROUP BY i.type`, dbTime(from), dbTime(to))
	type pair struct {
		typ vigil.IndicatorType
		n   int
	}
	pairs, err := collect(rows, err, "tally indicators received", func(rows *sql.Rows) (p pair, err error) {
		return p, rows.Scan(&p.typ, &p.n)
	})
	out := map[vigil.IndicatorType]int{}
	for _, p := range pairs {
		out[p.typ] = p.n
	}
	return out, err
}

// collect reads every row of a query with scan, closing it; what names the query in
// errors. It takes the query's error too, so that callers write one line.
func collect[T any](rows *sql.Rows, err error, what string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// ResolveTimes is how quickly the alerts of one severity raised in a period were
// resolved (remediated).
type ResolveTimes struct {
	// Severity is the alerts' severity.
	Severity vigil.Severity
	// Raised is how many were raised in the period, Resolved how many of them have been
	// resolved since.
	Raised, Resolved int
	// Median and P90 are the median and 90th percentile time from raising to
	// resolution of those resolved (nearest rank); zero when none was.
	Median, P90 time.Duration
}

// ResolveTimes returns, per severity (most urgent first, every one), how many alerts
// raised at or after from and before to were resolved and the median and 90th
// percentile time to resolve them, computed in the database like AckTimes.
func (s *Store) ResolveTimes(ctx context.Context, from, to time.Time) ([]ResolveTimes, error) {
	rows, err := s.rdb().query(ctx, `SELECT severity, count(*), count(resolved_at) FROM alerts
		WHERE created_at >= ? AND created_at < ? GROUP BY severity`, dbTime(from), dbTime(to))
	tallies, err := collect(rows, err, "time to resolve", func(rows *sql.Rows) (t ResolveTimes, err error) {
		return t, rows.Scan(&t.Severity, &t.Raised, &t.Resolved)
	})
	if err != nil {
		return nil, err
	}
	out := make([]ResolveTimes, len(vigil.Severities))
	for i, sev := range vigil.Severities {
		out[i].Severity = sev
		for _, t := range tallies {
			if t.Severity == sev {
				out[i] = t
			}
		}
		if err := s.resolvePercentiles(ctx, &out[i], from, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resolvePercentiles fills in f's median and 90th percentile.
func (s *Store) resolvePercentiles(ctx context.Context, f *ResolveTimes, from, to time.Time) error {
	if f.Resolved == 0 {
		return nil
	}
	var err error
	if f.Median, err = s.percentileUntil(ctx, "resolved_at", f.Severity, from, to, f.Resolved, 0.5); err != nil {
		return fmt.Errorf("time to resolve %s alerts: %w", f.Severity, err)
	}
	if f.P90, err = s.percentileUntil(ctx, "resolved_at", f.Severity, from, to, f.Resolved, 0.9); err != nil {
		return fmt.Errorf("time to resolve %s alerts: %w", f.Severity, err)
	}
	return nil
}
