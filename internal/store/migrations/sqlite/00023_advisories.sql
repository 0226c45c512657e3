-- Advisory data as feeds, and the vulnerability findings of each organisation (issue 11).
-- advisory_sources are registered like intel feeds: an OSV zip, CISA's KEV catalogue or
-- FIRST's EPSS scores, pulled from a URL or read from a local file on a schedule, with
-- the ETag and Last-Modified of the last pull in state. advisories keeps every OSV
-- record a source holds (its JSON as pulled), so that every server builds the same
-- matcher from the database; a record is rewritten only when its modified time changes.
-- advisory_files keeps a KEV or EPSS source's file whole (gzip): EPSS changes almost
-- every row every day, so rows would be rewritten daily for nothing. The 'advisories'
-- change count makes every server rebuild its matcher after a pull changed something.
-- vuln_findings is one row per organisation and vulnerability (the root ID of its
-- aliases): the components affected, the alert raised for it, and when it was fixed.

-- +goose Up
CREATE TABLE advisory_sources (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    path             TEXT NOT NULL DEFAULT '',
    schedule_seconds INTEGER NOT NULL,
    enabled          INTEGER NOT NULL DEFAULT 1,
    state            TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'never',
    last_error       TEXT NOT NULL DEFAULT '',
    counts           TEXT NOT NULL DEFAULT '{}',
    last_pull_at     TEXT,
    last_success_at  TEXT,
    created_at       TEXT NOT NULL
) STRICT;

CREATE TABLE advisories (
    source_id INTEGER NOT NULL REFERENCES advisory_sources (id) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    modified  TEXT NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    packages  TEXT NOT NULL DEFAULT '[]',
    record    BLOB NOT NULL,
    PRIMARY KEY (source_id, id)
) STRICT;

CREATE TABLE advisory_files (
    source_id INTEGER PRIMARY KEY REFERENCES advisory_sources (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    body      BLOB NOT NULL,
    entries   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE vuln_findings (
    org         TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    vuln        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',
    summary     TEXT NOT NULL DEFAULT '',
    severity    TEXT NOT NULL,
    score       REAL NOT NULL DEFAULT 0,
    kev         INTEGER NOT NULL DEFAULT 0,
    kev_due     TEXT NOT NULL DEFAULT '',
    epss        REAL,
    advice      TEXT NOT NULL DEFAULT '[]',
    components  TEXT NOT NULL DEFAULT '[]',
    alert_id    INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
    first_found TEXT NOT NULL,
    checked_at  TEXT NOT NULL,
    fixed_at    TEXT,
    PRIMARY KEY (org, vuln)
) STRICT;
CREATE INDEX vuln_findings_vuln ON vuln_findings (vuln);

-- A supplier's word that it fixed a vulnerability in what it supplies, from a version on:
-- customers' findings in its components at that version or later are closed; applied_at
-- (an analyst's decision) closes them at once, whatever version the inventories show.
CREATE TABLE vuln_attestations (
    supplier      TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    vuln          TEXT NOT NULL,
    fixed_version TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    attested_by   TEXT NOT NULL,
    attested_at   TEXT NOT NULL,
    applied_by    TEXT NOT NULL DEFAULT '',
    applied_at    TEXT,
    PRIMARY KEY (supplier, vuln)
) STRICT;

INSERT INTO change_versions (scope) VALUES ('advisories');

-- +goose Down
DELETE FROM change_versions WHERE scope = 'advisories';
DROP TABLE vuln_attestations;
DROP TABLE vuln_findings;
DROP TABLE advisory_files;
DROP TABLE advisories;
DROP TABLE advisory_sources;
