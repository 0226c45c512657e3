-- Live and retro hunting. Raw telemetry is never stored: only what matched (sightings)
-- and keyed hashes of what was seen (the observable index).
--
-- sightings: one row per organisation, UTC day received, event field, observable and
-- matched indicator; repeats within the day raise count and last_seen.
-- observable_index: HMAC-SHA256(server secret, type ":" value) of every observable an
-- organisation's telemetry held, one row per organisation and day, so that an indicator
-- published later can be looked for without keeping what the organisation's computers did.
-- day is the UTC date as YYYY-MM-DD, so that text order is date order.

-- +goose Up
CREATE TABLE sightings (
    id              INTEGER PRIMARY KEY,
    org             TEXT NOT NULL REFERENCES orgs (ods_code),
    day             TEXT NOT NULL,
    field           TEXT NOT NULL,
    observable      TEXT NOT NULL,
    observable_type TEXT NOT NULL,
    indicator       TEXT NOT NULL,
    indicator_type  TEXT NOT NULL,
    sources         TEXT NOT NULL DEFAULT '[]',
    labels          TEXT NOT NULL DEFAULT '[]',
    tlp             TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    UNIQUE (org, day, observable, indicator_type, indicator, field)
) STRICT;
CREATE INDEX sightings_org ON sightings (org, id);
CREATE INDEX sightings_day ON sightings (day);
CREATE INDEX sightings_indicator ON sightings (indicator, org);

CREATE TABLE observable_index (
    hash BLOB NOT NULL,
    org  TEXT NOT NULL REFERENCES orgs (ods_code),
    day  TEXT NOT NULL,
    PRIMARY KEY (hash, org, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX observable_index_day ON observable_index (day);

-- +goose Down
DROP TABLE observable_index;
DROP TABLE sightings;
