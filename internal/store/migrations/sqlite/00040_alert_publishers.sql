-- Who published what an alert is about inside the data (a STIX created_by_ref identity, a
-- MISP event's Orgc), beside the feeds it came through (sources), as a JSON array of
-- names (issue 10 §6): the alert page and the API show both, and a repeat merges them.

-- +goose Up
ALTER TABLE alerts ADD COLUMN publishers TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE alerts DROP COLUMN publishers;
