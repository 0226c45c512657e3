package store

import (
	"context"
	"fmt"
	"time"
)

// Change scopes: what a server holds in memory and rebuilds when another server changes it.
const (
	// ScopeIntel counts changes to indicators and feeds (the matcher).
	ScopeIntel = "intel"
	// ScopeAssets counts changes to organisations' assets (the asset router).
	ScopeAssets = "assets"
)

// ChangesChannel is the PostgreSQL LISTEN/NOTIFY channel a change is announced on.
const ChangesChannel = "vigil_changes"

// Versions are the change counts of the database: a server that holds a matcher built at
// Intel and a router built at Assets holds every change up to them.
type Versions struct {
	// Intel counts changes to indicators and feeds.
	Intel int64
	// Assets counts changes to organisations' assets.
	Assets int64
	// Advisories counts changes to the advisory data (ScopeAdvisories).
	Advisories int64
}

// Versions reads the change counts.
func (s *Store) Versions(ctx context.Context) (Versions, error) {
	rows, err := s.rdb().query(ctx, `SELECT scope, version FROM change_versions`)
	if err != nil {
		return Versions{}, fmt.Errorf("versions: %w", err)
	}
	defer rows.Close()
	var v Versions
	for rows.Next() {
		var scope string
		var n int64
		if err := rows.Scan(&scope, &n); err != nil {
			return Versions{}, fmt.Errorf("versions: %w", err)
		}
		switch scope {
		case ScopeIntel:
			v.Intel = n
		case ScopeAssets:
			v.Assets = n
		case ScopeAdvisories:
			v.Advisories = n
		}
	}
	return v, rows.Err()
}

// bumpVersion counts one change of scope inside the transaction c belongs to and, on
// PostgreSQL, announces it: NOTIFY is delivered at commit, so a listener that hears it
// reads the new count. The row lock serialises changes of one scope until commit.
func (s *Store) bumpVersion(ctx context.Context, c conn, scope string) error {
	var v int64
	err := c.row(ctx, `UPDATE change_versions SET version = version + 1, changed_at = ? WHERE scope = ? RETURNING version`,
		dbTime(s.now()), scope).Scan(&v)
	if err != nil {
		return fmt.Errorf("count %s change: %w", scope, err)
	}
	if s.isPG() {
		if _, err := c.exec(ctx, `SELECT pg_notify(?, ?)`, ChangesChannel, fmt.Sprintf("%s %d", scope, v)); err != nil {
			return fmt.Errorf("announce %s change: %w", scope, err)
		}
	}
	return nil
}

// Node is one server's heartbeat: who it is and what it holds.
type Node struct {
	// ID names the server for as long as it runs (host, process and start).
	ID string
	// Addr is where it listens, for operators.
	Addr string
	// Intel is the oldest matcher version the server still matches telemetry with.
	Intel int64
	// Assets is the router version it routes events with.
	Assets int64
	// StartedAt is when it started.
	StartedAt time.Time
	// SeenAt is its last heartbeat.
	SeenAt time.Time
}

// ReportNode records n's heartbeat (n.SeenAt) and the versions it holds.
func (s *Store) ReportNode(ctx context.Context, n Node) error {
	_, err := s.wdb().exec(ctx, `INSERT INTO nodes (id, addr, intel_version, assets_version, started_at, seen_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET addr = excluded.addr,
		intel_version = excluded.intel_version, assets_version = excluded.assets_version, seen_at = excluded.seen_at`,
		n.ID, n.Addr, n.Intel, n.Assets, dbTime(n.StartedAt), dbTime(n.SeenAt))
	if err != nil {
		return fmt.Errorf("report node %s: %w", n.ID, err)
	}
	return nil
}

// ForgetNode removes a server that stops, and every heartbeat older than staleBefore
// (servers that died), so that the table lists the servers running.
func (s *Store) ForgetNode(ctx context.Context, id string, staleBefore time.Time) error {
	_, err := s.wdb().exec(ctx, `DELETE FROM nodes WHERE id = ? OR seen_at < ?`, id, dbTime(staleBefore))
	if err != nil {
		return fmt.Errorf("forget node %s: %w", id, err)
	}
	return nil
}

// Nodes lists the servers whose heartbeat is at or after since, by id.
func (s *Store) Nodes(ctx context.Context, since time.Time) ([]Node, error) {
	rows, err := s.rdb().query(ctx, `SELECT id, addr, intel_version, assets_version, started_at, seen_at
		FROM nodes WHERE seen_at >= ? ORDER BY id`, dbTime(since))
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		var n Node
		if err := rows.Scan(&n.ID, &n.Addr, &n.Intel, &n.Assets, scanTime(&n.StartedAt), scanTime(&n.SeenAt)); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// ClaimJob leases the scheduled job name to holder until now+lease when it is due (not
// done since now-every) and no other holder's lease runs. It reports whether holder got
// it. One conditional UPDATE decides, so of several servers asking at once one wins; a
// server that dies holding a job leaves it to another when the lease ends.
func (s *Store) ClaimJob(ctx context.Context, name, holder string, now time.Time, every, lease time.Duration) (bool, error) {
	var got bool
	err := s.inTx(ctx, func(_ *Store, c conn) error {
		if _, err := c.exec(ctx, `INSERT INTO jobs (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, name); err != nil {
			return err
		}
		res, err := c.exec(ctx, `UPDATE jobs SET holder = ?, lease_until = ? WHERE name = ?
			AND (lease_until IS NULL OR lease_until < ? OR holder = ?) AND (done_at IS NULL OR done_at <= ?)`,
			holder, dbTime(now.Add(lease)), name, dbTime(now), holder, dbTime(now.Add(-every)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim job %s: %w", name, err)
	}
	return got, nil
}

// RenewJob extends holder's lease of job name to until; it reports false when the lease
// was lost (it ran out and another server took the job).
func (s *Store) RenewJob(ctx context.Context, name, holder string, until time.Time) (bool, error) {
	res, err := s.wdb().exec(ctx, `UPDATE jobs SET lease_until = ? WHERE name = ? AND holder = ?`, dbTime(until), name, holder)
	if err != nil {
		return false, fmt.Errorf("renew job %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishJob records that holder finished job name at now and ends its lease.
func (s *Store) FinishJob(ctx context.Context, name, holder string, now time.Time) error {
	_, err := s.wdb().exec(ctx, `UPDATE jobs SET done_at = ?, lease_until = NULL WHERE name = ? AND holder = ?`,
		dbTime(now), name, holder)
	if err != nil {
		return fmt.Errorf("finish job %s: %w", name, err)
	}
	return nil
}

// ReleaseJob ends holder's lease of job name without recording it as done: a job cut
// short (its server stopping) is then taken by the next server that asks.
func (s *Store) ReleaseJob(ctx context.Context, name, holder string) error {
	_, err := s.wdb().exec(ctx, `UPDATE jobs SET lease_until = NULL WHERE name = ? AND holder = ?`, name, holder)
	if err != nil {
		return fmt.Errorf("release job %s: %w", name, err)
	}
	return nil
}

// JobLeased reports whether a server holds a lease of job name running at now: a
// scheduled job under way, on this server or another.
func (s *Store) JobLeased(ctx context.Context, name string, now time.Time) (bool, error) {
	var n int
	err := s.rdb().row(ctx, `SELECT count(*) FROM jobs WHERE name = ? AND lease_until >= ?`, name, dbTime(now)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read lease of job %s: %w", name, err)
	}
	return n > 0, nil
}
