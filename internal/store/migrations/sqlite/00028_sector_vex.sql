-- Sector advisories and VEX statements on the server (issue 11).
-- sector_advisories keeps each analyst's advisory about a product outside package
-- ecosystems as its JSON (vuln.SectorAdvisoryJSON), with who wrote it and when; a
-- withdrawn one is kept (withdrawn_at set) so its history stays readable, and is left
-- out of the matcher. Writing one counts a change to 'advisories', so every server
-- rebuilds its matcher.
-- vex_statements keeps the VEX statements an organisation (owner_kind 'org', owner its
-- ODS code) or a supplier (owner_kind 'supplier', owner its name as inventories write
-- it) uploaded, one row per statement, grouped by the document (source) they came in:
-- uploading a document of the same name replaces its statements.
-- vex_suppressions records, per organisation and vulnerability, which statement took a
-- finding off the open list and why, for the board and the organisation to read.

-- +goose Up
CREATE TABLE sector_advisories (
    id           TEXT PRIMARY KEY,
    record       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    withdrawn_at TEXT
) STRICT;

CREATE TABLE vex_statements (
    id          INTEGER PRIMARY KEY,
    owner_kind  TEXT NOT NULL,
    owner       TEXT NOT NULL,
    source      TEXT NOT NULL,
    statement   TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX vex_statements_owner ON vex_statements (owner_kind, owner, source);

CREATE TABLE vex_suppressions (
    org        TEXT NOT NULL REFERENCES orgs (ods_code) ON DELETE CASCADE,
    vuln       TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    components TEXT NOT NULL DEFAULT '[]',
    decided_at TEXT NOT NULL,
    PRIMARY KEY (org, vuln)
) STRICT;

-- +goose Down
DROP TABLE vex_suppressions;
DROP TABLE vex_statements;
DROP TABLE sector_advisories;
