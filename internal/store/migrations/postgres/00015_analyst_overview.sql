-- The analyst's overview and unrouted events an analyst assigns (issue 9).
--
-- alerts_created serves the overview's "alerts per day by severity and kind" over the
-- last 30 days: a range of created_at read from the index alone (it holds every column
-- the GROUP BY needs), so the query reads the window's alerts, not the whole table.
--
-- An unrouted event keeps its TLP, so that the alert an analyst raises from it is marked
-- as the reporter marked it ('' for events kept before this migration: the assignment
-- then marks the alert TLP:AMBER, erring on the side of sharing less). assigned_* record
-- the analyst who gave it to an organisation and the alert that raised; an assigned
-- event leaves the waiting list, which unrouted_waiting keeps quick to page and count.

-- +goose Up
CREATE INDEX alerts_created ON alerts (created_at, severity, kind);
ALTER TABLE unrouted_events ADD COLUMN tlp TEXT NOT NULL DEFAULT '';
ALTER TABLE unrouted_events ADD COLUMN assigned_org TEXT COLLATE "C" REFERENCES orgs (ods_code);
ALTER TABLE unrouted_events ADD COLUMN assigned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE unrouted_events ADD COLUMN assigned_at TIMESTAMPTZ;
ALTER TABLE unrouted_events ADD COLUMN alert_id BIGINT REFERENCES alerts (id);
CREATE INDEX unrouted_waiting ON unrouted_events (id) WHERE assigned_at IS NULL;

-- +goose Down
DROP INDEX unrouted_waiting;
ALTER TABLE unrouted_events DROP COLUMN alert_id;
ALTER TABLE unrouted_events DROP COLUMN assigned_at;
ALTER TABLE unrouted_events DROP COLUMN assigned_by;
ALTER TABLE unrouted_events DROP COLUMN assigned_org;
ALTER TABLE unrouted_events DROP COLUMN tlp;
DROP INDEX alerts_created;
