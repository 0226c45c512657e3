-- Alert deadlines and history (issue 9). An alert gets the times it must be
-- acknowledged and remediated by when it is raised (NULL: no such deadline); the
-- escalation sets ack_escalated_at and fix_overdue_at once each, with a conditional
-- UPDATE ... WHERE ... IS NULL, so that two servers never escalate the same alert twice.
-- alert_history is each alert's timeline, written in the transaction of the change.

-- +goose Up
ALTER TABLE alerts ADD COLUMN ack_due_at TEXT;
ALTER TABLE alerts ADD COLUMN fix_due_at TEXT;
ALTER TABLE alerts ADD COLUMN ack_escalated_at TEXT;
ALTER TABLE alerts ADD COLUMN fix_overdue_at TEXT;

-- The escalation's minute-by-minute scans read only alerts still waiting for their
-- deadline: a handful among a million mostly resolved ones. The queries spell out these
-- conditions literally, so that both planners can use the partial indexes; status leads
-- where the query tests it for equality, which makes SQLite prefer them to alerts_status
-- before it has statistics.
CREATE INDEX alerts_ack_due ON alerts (status, ack_due_at)
    WHERE status = 'open' AND ack_escalated_at IS NULL AND ack_due_at IS NOT NULL;
CREATE INDEX alerts_fix_due ON alerts (fix_due_at)
    WHERE status <> 'resolved' AND fix_overdue_at IS NULL AND fix_due_at IS NOT NULL;
-- The analysts' board: GET /api/v1/alerts?overdue=acknowledge|remediate, newest first.
CREATE INDEX alerts_ack_overdue ON alerts (status, id) WHERE status = 'open' AND ack_escalated_at IS NOT NULL;
CREATE INDEX alerts_fix_overdue ON alerts (id) WHERE status <> 'resolved' AND fix_overdue_at IS NOT NULL;
-- The time-to-acknowledge figures read one window of raised alerts per severity.
CREATE INDEX alerts_severity_created ON alerts (severity, created_at);

CREATE TABLE alert_history (
    id         INTEGER PRIMARY KEY,
    alert_id   INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    count      INTEGER NOT NULL DEFAULT 0,
    severity   TEXT NOT NULL DEFAULT '',
    tlp        TEXT NOT NULL DEFAULT '',
    due_at     TEXT,
    recipients TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

-- +goose Down
DROP TABLE alert_history;
DROP INDEX alerts_severity_created;
DROP INDEX alerts_fix_overdue;
DROP INDEX alerts_ack_overdue;
DROP INDEX alerts_fix_due;
DROP INDEX alerts_ack_due;
ALTER TABLE alerts DROP COLUMN fix_overdue_at;
ALTER TABLE alerts DROP COLUMN ack_escalated_at;
ALTER TABLE alerts DROP COLUMN fix_due_at;
ALTER TABLE alerts DROP COLUMN ack_due_at;
