-- The rebuild's kept ranges (issue 10 §8): a matcher rebuild reads every indicator with
-- its claims (store.EachMatchable); most of that read is the same from one rebuild to
-- the next. Each range of 8,192 indicator ids may keep what the read yields for it,
-- encoded as one blob (matchable_kept), valid while stale = 0 and kept_gen = gen. Statement
-- triggers mark the ranges a statement touched stale, one UPDATE a statement over its
-- transition tables, writing only rows not stale yet. A rebuild claims a range (stale =
-- 0, gen = gen + 1, committed) before reading its rows and writes the blob back only
-- where gen is still what it claimed and nothing marked it stale since.
--
-- A writer that finds its range already stale writes nothing, so no row lock orders it
-- against a claim: instead every marking statement takes the advisory lock
-- matchable_ranges_lock() shared until its transaction ends, and a claim takes it
-- exclusively (without waiting: a rebuild that cannot, claims nothing that time). A
-- claim therefore commits only when no transaction that changed rows unseen is still
-- open, and a writer after it finds the range not stale and marks it.
-- A migration that rewrites indicators or claims with these triggers absent must empty
-- these tables. See docs/adr/0004-kept-matchable-ranges.md.

-- +goose Up
CREATE TABLE matchable_ranges (
    k        BIGINT PRIMARY KEY, -- indicator ids k*8192 to k*8192+8191
    stale    SMALLINT NOT NULL DEFAULT 1,
    gen      BIGINT NOT NULL DEFAULT 0,
    kept_gen BIGINT NOT NULL DEFAULT -1
);
-- The blobs apart from the marks, as on SQLite (where changing a column rewrites the row).
CREATE TABLE matchable_kept (
    k    BIGINT PRIMARY KEY,
    blob BYTEA NOT NULL
);
-- the blobs are compact already (varints, strings said once): keep them out of pglz
ALTER TABLE matchable_kept ALTER COLUMN blob SET STORAGE EXTERNAL;

-- +goose StatementBegin
CREATE FUNCTION matchable_ranges_lock() RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT 7377174657012170037::BIGINT; -- any constant no other advisory lock of vigil's uses
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION matchable_mark_claims() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE FUNCTION matchable_mark_indicators() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(matchable_ranges_lock());
    IF TG_OP = 'DELETE' THEN
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT DISTINCT id / 8192 FROM old_indicators);
    ELSE
        UPDATE matchable_ranges SET stale = 1
        WHERE stale = 0 AND k IN (SELECT id / 8192 FROM new_indicators
                                  UNION SELECT id / 8192 FROM old_indicators);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER matchable_claims_added AFTER INSERT ON indicator_sources
    REFERENCING NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION matchable_mark_claims();
CREATE TRIGGER matchable_claims_changed AFTER UPDATE ON indicator_sources
    REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION matchable_mark_claims();
CREATE TRIGGER matchable_claims_removed AFTER DELETE ON indicator_sources
    REFERENCING OLD TABLE AS old_claims FOR EACH STATEMENT EXECUTE FUNCTION matchable_mark_claims();
CREATE TRIGGER matchable_indicators_changed AFTER UPDATE ON indicators
    REFERENCING OLD TABLE AS old_indicators NEW TABLE AS new_indicators FOR EACH STATEMENT EXECUTE FUNCTION matchable_mark_indicators();
CREATE TRIGGER matchable_indicators_removed AFTER DELETE ON indicators
    REFERENCING OLD TABLE AS old_indicators FOR EACH STATEMENT EXECUTE FUNCTION matchable_mark_indicators();

-- +goose Down
DROP TRIGGER matchable_indicators_removed ON indicators;
DROP TRIGGER matchable_indicators_changed ON indicators;
DROP TRIGGER matchable_claims_removed ON indicator_sources;
DROP TRIGGER matchable_claims_changed ON indicator_sources;
DROP TRIGGER matchable_claims_added ON indicator_sources;
DROP FUNCTION matchable_mark_indicators();
DROP FUNCTION matchable_mark_claims();
DROP FUNCTION matchable_ranges_lock();
DROP TABLE matchable_kept;
DROP TABLE matchable_ranges;
