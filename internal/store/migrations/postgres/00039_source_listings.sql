-- When each source last listed its whole current set (issue 10 §8): a list feed's
-- complete pull, a replace, or the feed answering "not modified". Every claim the source
-- holds was listed then, so the store reads a claim's published time as the later of its
-- own published_at and its source's listed_at, and a complete pull no longer rewrites the
-- published_at of the claims it holds unchanged: that rewrite marked every kept range of
-- the matcher's read stale (migration 00037), so the rebuild after each routine re-pull
-- read them all from rows again.
--
-- For the same reason the claims' statement trigger of 00037 now marks a range stale
-- only for the rows whose columns the matcher's read takes changed, as SQLite's WHEN
-- clause does: every import writes last_import on every claim it holds, so on
-- PostgreSQL every re-pull marked all its ranges stale.
--
-- And the advisory lock between marking statements and a rebuild's claim is now one per
-- schema: a lock of the whole database made a store's rebuild give up its claim while
-- another schema's import ran (tests and benchmarks share a database, a schema each).

-- +goose Up
CREATE TABLE source_listings (
    source    TEXT PRIMARY KEY,
    listed_at TIMESTAMPTZ NOT NULL
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION matchable_ranges_lock() RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT 7377174657012170037::BIGINT # hashtext(current_schema())::BIGINT;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION matchable_mark_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(matchable_ranges_lock());
    IF TG_OP = 'INSERT' THEN
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT DISTINCT indicator_id / 8192 FROM new_claims);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT DISTINCT indicator_id / 8192 FROM old_claims);
    ELSE
        -- a row whose key changed is unmatched on both sides: both its ranges are marked
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (
            SELECT n.indicator_id / 8192 FROM new_claims n
            LEFT JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
            WHERE o.indicator_id IS NULL
               OR (o.tlp, o.reliability, o.credibility, o.confidence, o.labels, o.ref, o.valid_from, o.valid_until,
                   o.first_seen, o.last_seen, o.not_for_matching, o.published_at, o.publisher)
                  IS DISTINCT FROM
                  (n.tlp, n.reliability, n.credibility, n.confidence, n.labels, n.ref, n.valid_from, n.valid_until,
                   n.first_seen, n.last_seen, n.not_for_matching, n.published_at, n.publisher)
            UNION
            SELECT o.indicator_id / 8192 FROM old_claims o
            LEFT JOIN new_claims n ON n.indicator_id = o.indicator_id AND n.source = o.source
            WHERE n.indicator_id IS NULL);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION matchable_ranges_lock() RETURNS BIGINT LANGUAGE sql STABLE AS $$
    SELECT 7377174657012170037::BIGINT;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION matchable_mark_claims() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(matchable_ranges_lock());
    IF TG_OP = 'INSERT' THEN
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT DISTINCT indicator_id / 8192 FROM new_claims);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT DISTINCT indicator_id / 8192 FROM old_claims);
    ELSE
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT indicator_id / 8192 FROM new_claims
                                  UNION SELECT indicator_id / 8192 FROM old_claims);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

DROP TABLE source_listings;
