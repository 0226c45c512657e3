-- Alerts: one row per organisation and dedup_key; repeats raise count and last_seen.
-- A NULL dedup_key never deduplicates (NULLs are distinct in a UNIQUE constraint).

-- +goose Up
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    org             TEXT NOT NULL REFERENCES orgs (ods_code),
    kind            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    status          TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    observable      TEXT NOT NULL DEFAULT '',
    indicator       TEXT NOT NULL DEFAULT '',
    sources         TEXT NOT NULL DEFAULT '[]',
    tlp             TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL DEFAULT 1,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    acked_at        TEXT,
    acked_by        TEXT NOT NULL DEFAULT '',
    resolved_at     TEXT,
    resolved_by     TEXT NOT NULL DEFAULT '',
    resolution_note TEXT NOT NULL DEFAULT '',
    dedup_key       TEXT,
    UNIQUE (org, dedup_key)
) STRICT;
CREATE INDEX alerts_org ON alerts (org, id);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_org_status ON alerts (org, status, id);

-- +goose Down
DROP TABLE alerts;
