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
    version    BIGINT NOT NULL DEFAULT 0,
    changed_at TIMESTAMPTZ
);
INSERT INTO change_versions (scope) VALUES ('intel'), ('assets');

CREATE TABLE nodes (
    id             TEXT PRIMARY KEY,
    addr           TEXT NOT NULL DEFAULT '',
    intel_version  BIGINT NOT NULL DEFAULT 0,
    assets_version BIGINT NOT NULL DEFAULT 0,
    started_at     TIMESTAMPTZ NOT NULL,
    seen_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    done_at     TIMESTAMPTZ
);

-- The observable index, partitioned by UTC day, so that housekeeping drops a day past
-- retention as one partition instead of deleting its rows one by one (WAL for every row,
-- and bloat). The store creates each day's partition ahead (observable_partition.go); a
-- day without one lands in the default partition, which keeps the rows indexed before
-- this migration and is purged by DELETE as before. Day partitions need no index on day.
ALTER TABLE observable_index RENAME TO observable_index_unpartitioned;
ALTER INDEX observable_index_pkey RENAME TO observable_index_unpartitioned_pkey;
ALTER INDEX observable_index_day RENAME TO observable_index_unpartitioned_day;
CREATE TABLE observable_index (
    hash BYTEA NOT NULL,
    org  TEXT COLLATE "C" NOT NULL REFERENCES orgs (ods_code),
    day  DATE NOT NULL,
    PRIMARY KEY (hash, org, day)
) PARTITION BY RANGE (day);
CREATE TABLE observable_index_default PARTITION OF observable_index DEFAULT;
CREATE INDEX observable_index_default_day ON observable_index_default (day);
INSERT INTO observable_index SELECT hash, org, day FROM observable_index_unpartitioned;
DROP TABLE observable_index_unpartitioned;

-- +goose Down
CREATE TABLE observable_index_unpartitioned (
    hash BYTEA NOT NULL,
    org  TEXT COLLATE "C" NOT NULL REFERENCES orgs (ods_code),
    day  DATE NOT NULL,
    PRIMARY KEY (hash, org, day)
);
INSERT INTO observable_index_unpartitioned SELECT hash, org, day FROM observable_index;
DROP TABLE observable_index;
ALTER TABLE observable_index_unpartitioned RENAME TO observable_index;
ALTER INDEX observable_index_unpartitioned_pkey RENAME TO observable_index_pkey;
CREATE INDEX observable_index_day ON observable_index (day);
DROP TABLE jobs;
DROP TABLE nodes;
DROP TABLE change_versions;
