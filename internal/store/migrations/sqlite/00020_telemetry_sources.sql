-- Which sensors sent telemetry, for the sector report's "sensors hunting": one row per
-- API token and UTC day (YYYY-MM-DD) with how many uploads and events it sent. Only
-- counts: nothing an upload held. token_id is not a foreign key, so that the history
-- outlives a revoked or deleted token.

-- +goose Up
CREATE TABLE telemetry_sources (
    token_id INTEGER NOT NULL,
    org      TEXT NOT NULL REFERENCES orgs (ods_code),
    day      TEXT NOT NULL,
    uploads  INTEGER NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (token_id, day)
) STRICT;
CREATE INDEX telemetry_sources_day ON telemetry_sources (day);

-- +goose Down
DROP TABLE telemetry_sources;
