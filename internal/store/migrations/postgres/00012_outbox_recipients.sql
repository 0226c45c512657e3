-- An immediate message about a TLP:RED or TLP:AMBER+STRICT alert is for named
-- recipients (the organisation's administrators and named contacts): recipients holds
-- their addresses as a JSON array. '[]' means every contact of the organisation, as
-- before this migration.

-- +goose Up
ALTER TABLE outbox ADD COLUMN recipients TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE outbox DROP COLUMN recipients;
