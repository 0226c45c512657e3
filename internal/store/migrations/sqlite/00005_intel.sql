-- Threat intelligence: the registered feeds, the indicators (one row per type and value)
-- and each source's claim on an indicator with its own provenance. Credentials of a feed
-- are kept because pulls need them; the API never returns them.

-- +goose Up
CREATE TABLE feeds (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    collection       TEXT NOT NULL DEFAULT '',
    username         TEXT NOT NULL DEFAULT '',
    password         TEXT NOT NULL DEFAULT '',
    token            TEXT NOT NULL DEFAULT '',
    schedule_seconds INTEGER NOT NULL,
    tlp              TEXT NOT NULL DEFAULT '',
    reliability      TEXT NOT NULL DEFAULT '',
    credibility      INTEGER NOT NULL DEFAULT 0,
    enabled          INTEGER NOT NULL DEFAULT 1,
    state            TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'never',
    last_error       TEXT NOT NULL DEFAULT '',
    counts           TEXT NOT NULL DEFAULT '{}',
    last_pull_at     TEXT,
    last_success_at  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- last_sighted is when an organisation's telemetry last matched the value: it resets decay.
CREATE TABLE indicators (
    id           INTEGER PRIMARY KEY,
    type         TEXT NOT NULL,
    value        TEXT NOT NULL,
    last_sighted TEXT,
    UNIQUE (type, value)
) STRICT;

-- published_at is when the source last (re)published the value to us; added_at when it
-- first did. not_for_matching holds a reason (e.g. "warninglisted") when it is kept as
-- intelligence only.
CREATE TABLE indicator_sources (
    indicator_id     INTEGER NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    source           TEXT NOT NULL,
    tlp              TEXT NOT NULL DEFAULT '',
    reliability      TEXT NOT NULL DEFAULT '',
    credibility      INTEGER NOT NULL DEFAULT 0,
    confidence       INTEGER NOT NULL DEFAULT -1,
    labels           TEXT NOT NULL DEFAULT '[]',
    ref              TEXT NOT NULL DEFAULT '',
    valid_from       TEXT,
    valid_until      TEXT,
    first_seen       TEXT,
    last_seen        TEXT,
    not_for_matching TEXT NOT NULL DEFAULT '',
    added_at         TEXT NOT NULL,
    published_at     TEXT NOT NULL,
    PRIMARY KEY (indicator_id, source)
) STRICT;
CREATE INDEX indicator_sources_source ON indicator_sources (source, indicator_id);

-- +goose Down
DROP TABLE indicator_sources;
DROP TABLE indicators;
DROP TABLE feeds;
