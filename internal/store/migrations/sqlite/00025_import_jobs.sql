-- +goose Up
-- last_import is the import (an upload or a pull, stored batch by batch) that last wrote
-- the claim: a complete pull withdraws the claims it did not write. changed_import is the
-- import that last added or changed it: the hooks read those back page by page.
ALTER TABLE indicator_sources ADD COLUMN last_import INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicator_sources ADD COLUMN changed_import INTEGER NOT NULL DEFAULT 0;

-- An import job: a large upload or a feed pull run in the background. node and
-- lease_until say which server runs it and until when; a job whose lease ran out is
-- taken over (a feed pull) or failed (an upload, whose file was on that server).
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    source      TEXT NOT NULL,
    feed_id     INTEGER,
    file        TEXT NOT NULL DEFAULT '',
    progress    TEXT NOT NULL DEFAULT '{}',
    report      TEXT,
    error       TEXT NOT NULL DEFAULT '',
    node        TEXT NOT NULL DEFAULT '',
    lease_until TEXT,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
) STRICT;
CREATE INDEX import_jobs_state ON import_jobs (state, lease_until);

-- +goose Down
DROP TABLE import_jobs;
ALTER TABLE indicator_sources DROP COLUMN changed_import;
ALTER TABLE indicator_sources DROP COLUMN last_import;
