-- Who published the indicator a sighting matched inside the data (a STIX created_by_ref
-- identity, a MISP event's Orgc), beside the feeds it came through (sources), as a JSON
-- array of names, as alerts keep them (00040_alert_publishers): the API and the
-- sightings page show both. Rows from before it have none.

-- +goose Up
ALTER TABLE sightings ADD COLUMN publishers TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE sightings DROP COLUMN publishers;
