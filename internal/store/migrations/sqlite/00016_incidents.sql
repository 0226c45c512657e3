-- Incidents (issue 12): what an organisation reported, the centre's triage, the
-- personal-data breach assessment and its 72-hour deadline, the timeline, links to
-- alerts, indicators and other organisations, and evidence files.
--
-- systems and told are JSON lists. breach_* are NULL until a breach is assessed;
-- report_due_at is set when the assessment is reportable, and incidents_report_due
-- keeps the once-a-minute search for missed deadlines to the few that can be chased.
-- Evidence content is kept in the database, so that a backup holds it, capped in size
-- by the server's max_evidence_bytes.

-- +goose Up
CREATE TABLE incidents (
    id                 INTEGER PRIMARY KEY,
    org                TEXT NOT NULL REFERENCES orgs (ods_code),
    summary            TEXT NOT NULL,
    what_happened      TEXT NOT NULL,
    noticed_at         TEXT NOT NULL,
    systems            TEXT NOT NULL DEFAULT '[]',
    care               TEXT NOT NULL,
    personal_data      TEXT NOT NULL,
    people             TEXT NOT NULL,
    ransom             INTEGER NOT NULL DEFAULT 0,
    told               TEXT NOT NULL DEFAULT '[]',
    contact_name       TEXT NOT NULL,
    contact_phone      TEXT NOT NULL DEFAULT '',
    contact_email      TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,
    category           INTEGER NOT NULL DEFAULT 0,
    severity           TEXT NOT NULL DEFAULT '',
    assignee           TEXT NOT NULL DEFAULT '',
    tlp                TEXT NOT NULL,
    shared_suppliers   INTEGER NOT NULL DEFAULT 0,
    breach_likelihood  INTEGER,
    breach_severity    INTEGER,
    breach_note        TEXT NOT NULL DEFAULT '',
    breach_by          TEXT NOT NULL DEFAULT '',
    breach_at          TEXT,
    breach_reported_at TEXT,
    report_due_at      TEXT,
    report_chased_at   TEXT,
    reported_by        TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX incidents_org ON incidents (org, id);
CREATE INDEX incidents_report_due ON incidents (report_due_at)
    WHERE report_chased_at IS NULL AND breach_reported_at IS NULL AND report_due_at IS NOT NULL;

CREATE TABLE incident_entries (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX incident_entries_incident ON incident_entries (incident_id, id);

CREATE TABLE incident_links (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    tlp         TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    added_by    TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (incident_id, kind, ref)
) STRICT;

CREATE TABLE incident_evidence (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL
) STRICT;
CREATE INDEX incident_evidence_incident ON incident_evidence (incident_id, id);

-- +goose Down
DROP TABLE incident_evidence;
DROP TABLE incident_links;
DROP TABLE incident_entries;
DROP TABLE incidents;
