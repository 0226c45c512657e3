-- Delivery of the outbox: e-mail to each recipient and posts to webhooks, each tried on
-- its own with its attempts, next attempt and last error, so that a failure for one
-- receiver sends nothing again to those already served, and a restart loses nothing.
-- outbox.planned_at is when an entry's deliveries were planned (after which its words
-- no longer change); outbox.tlp the marking of what it says.

-- +goose Up
ALTER TABLE outbox ADD COLUMN tlp TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN planned_at TEXT;
CREATE INDEX outbox_unplanned ON outbox (due_at) WHERE planned_at IS NULL;
-- Messages written before delivery existed are not sent now: a backlog of old alerts
-- would reach people all at once and out of date. They stay unsent, readable in vigil.
UPDATE outbox SET planned_at = created_at WHERE sent_at IS NULL;

-- url and secret are sealed with the server secret, as feed credentials are: chat
-- services put their credential in the URL. org NULL is the sector centre's.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    org         TEXT REFERENCES orgs (ods_code) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX webhooks_org ON webhooks (org);

CREATE TABLE email_deliveries (
    id              INTEGER PRIMARY KEY,
    outbox_id       INTEGER NOT NULL REFERENCES outbox (id),
    recipient       TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    file            TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    UNIQUE (outbox_id, recipient)
) STRICT;
CREATE INDEX email_deliveries_due ON email_deliveries (next_attempt_at) WHERE status = 'pending';

-- outbox_id NULL is a test ping.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    outbox_id       INTEGER REFERENCES outbox (id),
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    last_status     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    UNIQUE (webhook_id, outbox_id)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE email_deliveries;
DROP TABLE webhooks;
DROP INDEX outbox_unplanned;
ALTER TABLE outbox DROP COLUMN planned_at;
ALTER TABLE outbox DROP COLUMN tlp;
