-- Early Warning: threat events that matched no organisation, the outbox of messages to
-- organisations (immediate alerts and daily digests) and the queue of alerts waiting for
-- the next digest. Times are UTC text, fixed width, as elsewhere.

-- +goose Up
-- One row per observable, event type and day, like alerts; repeats raise count.
CREATE TABLE unrouted_events (
    id              INTEGER PRIMARY KEY,
    type            TEXT NOT NULL,
    observable      TEXT NOT NULL,
    observable_type TEXT NOT NULL,
    source          TEXT NOT NULL,
    severity        TEXT NOT NULL,
    port            INTEGER NOT NULL DEFAULT 0,
    service         TEXT NOT NULL DEFAULT '',
    cve             TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    reporter        TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL DEFAULT 1,
    first_seen      TEXT NOT NULL,
    last_seen       TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    dedup_key       TEXT NOT NULL UNIQUE
) STRICT;

-- The delivery queue: a mailer sends rows whose due_at has passed and sets sent_at.
-- dedup_key makes writing the same message twice (a digest after a restart) a no-op.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    org        TEXT NOT NULL REFERENCES orgs (ods_code),
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    alert_id   INTEGER REFERENCES alerts (id),
    dedup_key  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    sent_at    TEXT,
    UNIQUE (org, dedup_key)
) STRICT;
CREATE INDEX outbox_org ON outbox (org, id);
CREATE INDEX outbox_pending ON outbox (due_at) WHERE sent_at IS NULL;

-- Alerts raised or repeated since their organisation's last digest; is_new says whether
-- the first entry since then was the alert's creation.
CREATE TABLE digest_queue (
    alert_id  INTEGER PRIMARY KEY REFERENCES alerts (id),
    is_new    INTEGER NOT NULL,
    queued_at TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE digest_queue;
DROP TABLE outbox;
DROP TABLE unrouted_events;
