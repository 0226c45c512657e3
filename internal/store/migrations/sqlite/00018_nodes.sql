-- Several servers on one database (issue 13). change_versions counts changes to what a
-- server holds in memory: 'intel' (indicators and feeds → the matcher) and 'assets'
-- (organisations' assets → the router). The count rises in the same transaction as the
-- change, so a server holding version N holds every change up to N. nodes is each
-- server's heartbeat and the versions it holds, so that a retro-hunt can wait until no
-- live server still matches with an older matcher. jobs leases scheduled work (feed
-- pulls, housekeeping) to one server at a time; a lease that is not renewed ends, and
-- another server takes the job. On SQLite one server runs, and these tables only keep
-- the same code working.

-- +goose Up
CREATE TABLE change_versions (
    scope      TEXT PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT
) STRICT;
INSERT INTO change_versions (scope) VALUES ('intel'), ('assets');

CREATE TABLE nodes (
    id             TEXT PRIMARY KEY,
    addr           TEXT NOT NULL DEFAULT '',
    intel_version  INTEGER NOT NULL DEFAULT 0,
    assets_version INTEGER NOT NULL DEFAULT 0,
    started_at     TEXT NOT NULL,
    seen_at        TEXT NOT NULL
) STRICT;

CREATE TABLE jobs (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    lease_until TEXT,
    done_at     TEXT
) STRICT;

-- +goose Down
DROP TABLE jobs;
DROP TABLE nodes;
DROP TABLE change_versions;
