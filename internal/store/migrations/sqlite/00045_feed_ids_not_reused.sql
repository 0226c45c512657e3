-- A deleted feed's id is never given to a new feed (AUTOINCREMENT): SQLite otherwise
-- reuses the highest id once it is deleted, and a pull, a queued job or a pull's record
-- still naming the deleted feed would land on the new one, which must start empty.
-- Nothing references feeds, so the table is rebuilt in place.

-- +goose Up
CREATE TABLE feeds_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    collection       TEXT NOT NULL DEFAULT '',
    username         TEXT NOT NULL DEFAULT '',
    password         TEXT NOT NULL DEFAULT '',
    token            TEXT NOT NULL DEFAULT '',
    schedule_seconds INTEGER NOT NULL,
    tlp              TEXT NOT NULL DEFAULT '',
    reliability      TEXT NOT NULL DEFAULT '',
    credibility      INTEGER NOT NULL DEFAULT 0,
    enabled          INTEGER NOT NULL DEFAULT 1,
    state            TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'never',
    last_error       TEXT NOT NULL DEFAULT '',
    counts           TEXT NOT NULL DEFAULT '{}',
    last_pull_at     TEXT,
    last_success_at  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
INSERT INTO feeds_new SELECT * FROM feeds;
-- Ids of feeds deleted before now may still be held by import jobs: start past them.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'feeds_new', max(coalesce((SELECT max(id) FROM feeds), 0), coalesce((SELECT max(feed_id) FROM import_jobs), 0))
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'feeds_new');
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(feed_id) FROM import_jobs), 0)) WHERE name = 'feeds_new';
DROP TABLE feeds;
ALTER TABLE feeds_new RENAME TO feeds;

-- +goose Down
-- Ids stay as they are; only the reuse rule goes with the old table's shape.
CREATE TABLE feeds_old (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    url              TEXT NOT NULL DEFAULT '',
    collection       TEXT NOT NULL DEFAULT '',
    username         TEXT NOT NULL DEFAULT '',
    password         TEXT NOT NULL DEFAULT '',
    token            TEXT NOT NULL DEFAULT '',
    schedule_seconds INTEGER NOT NULL,
    tlp              TEXT NOT NULL DEFAULT '',
    reliability      TEXT NOT NULL DEFAULT '',
    credibility      INTEGER NOT NULL DEFAULT 0,
    enabled          INTEGER NOT NULL DEFAULT 1,
    state            TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'never',
    last_error       TEXT NOT NULL DEFAULT '',
    counts           TEXT NOT NULL DEFAULT '{}',
    last_pull_at     TEXT,
    last_success_at  TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
INSERT INTO feeds_old SELECT * FROM feeds;
DROP TABLE feeds;
ALTER TABLE feeds_old RENAME TO feeds;
