-- When each source last listed its whole current set (issue 10 §8): a list feed's
-- complete pull, a replace, or the feed answering "not modified". Every claim the source
-- holds was listed then, so the store reads a claim's published time as the later of its
-- own published_at and its source's listed_at, and a complete pull no longer rewrites the
-- published_at of the claims it holds unchanged: that rewrite marked every kept range of
-- the matcher's read stale (migration 00037), so the rebuild after each routine re-pull
-- read them all from rows again.

-- +goose Up
CREATE TABLE source_listings (
    source    TEXT PRIMARY KEY,
    listed_at TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE source_listings;
