-- Indexes for the orders the lists sort by (issue 9: every list sorts on the server).
--
-- Each order reads its key then the row's unique column (store/sort.go), so an index on
-- (key, unique column) lets a page start at its cursor and stop after LIMIT rows instead
-- of sorting every matching row. The alerts' last-seen and severity orders had none;
-- severity sorts by its rank, an expression, indexed as the query spells it
-- (store.severityRank). Small lists (people, feeds, webhooks, tokens) and orders that
-- take the most any source says of an indicator (confidence, last seen) are sorted as
-- read: no index can hold a maximum over another table's rows. Never-sighted
-- indicators read as the year 1 (store.orNever), so that the index holds them too.
--
-- People sort by when they last signed in, which vigil now records (NULL: never, or not
-- since this migration).

-- +goose Up
CREATE INDEX alerts_last_seen ON alerts (last_seen, id);
CREATE INDEX alerts_severity_rank ON alerts ((CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END), id);
CREATE INDEX orgs_name ON orgs (name, ods_code);
CREATE INDEX indicators_value ON indicators (value, id);
CREATE INDEX indicators_type ON indicators (type, id);
CREATE INDEX indicators_last_sighted ON indicators ((COALESCE(last_sighted, '0001-01-01T00:00:00.000000Z')), id);
CREATE INDEX sightings_last_seen ON sightings (last_seen, id);
CREATE INDEX sightings_count ON sightings (count, id);
CREATE INDEX sightings_indicator_id ON sightings (indicator, id);
CREATE INDEX unrouted_waiting_last_seen ON unrouted_events (last_seen, id) WHERE assigned_at IS NULL;
CREATE INDEX unrouted_waiting_count ON unrouted_events (count, id) WHERE assigned_at IS NULL;
CREATE INDEX unrouted_waiting_type ON unrouted_events (type, id) WHERE assigned_at IS NULL;
CREATE INDEX outbox_kind ON outbox (kind, id);
CREATE INDEX email_deliveries_status ON email_deliveries (status, id);
CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status, id);
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;

-- +goose Down
ALTER TABLE users DROP COLUMN last_sign_in_at;
DROP INDEX webhook_deliveries_status;
DROP INDEX email_deliveries_status;
DROP INDEX outbox_kind;
DROP INDEX unrouted_waiting_type;
DROP INDEX unrouted_waiting_count;
DROP INDEX unrouted_waiting_last_seen;
DROP INDEX sightings_indicator_id;
DROP INDEX sightings_count;
DROP INDEX sightings_last_seen;
DROP INDEX indicators_last_sighted;
DROP INDEX indicators_type;
DROP INDEX indicators_value;
DROP INDEX orgs_name;
DROP INDEX alerts_severity_rank;
DROP INDEX alerts_last_seen;
