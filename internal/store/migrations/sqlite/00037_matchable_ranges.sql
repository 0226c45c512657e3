-- The rebuild's kept ranges (issue 10 §8): a matcher rebuild reads every indicator with
-- its claims (store.EachMatchable); most of that read is the same from one rebuild to
-- the next. Each range of 8,192 indicator ids may keep what the read yields for it,
-- encoded as one blob (matchable_kept), valid while stale = 0 and kept_gen = gen. Triggers mark a
-- range stale when anything the read takes changes: a claim added, changed or removed,
-- an indicator changed (its last sighting among others) or removed. They write only when
-- the range is not stale yet, so a large import pays a lookup a row, not a write. A
-- rebuild claims a range (stale = 0, gen = gen + 1, committed) before reading its rows
-- and writes the blob back only where gen is still what it claimed and nothing marked
-- it stale since. SQLite's one writer orders every write before or after a claim.
-- A migration that rewrites indicators or claims with these triggers absent must empty
-- these tables. See docs/adr/0004-kept-matchable-ranges.md.

-- +goose Up
CREATE TABLE matchable_ranges (
    k        INTEGER PRIMARY KEY, -- indicator ids k*8192 to k*8192+8191
    stale    INTEGER NOT NULL DEFAULT 1,
    gen      INTEGER NOT NULL DEFAULT 0,
    kept_gen INTEGER NOT NULL DEFAULT -1
) STRICT;
-- The blobs apart from the marks: SQLite rewrites a whole row, blob and all, to change
-- one column of it, and a trigger marks the range stale on the first write after a rebuild.
CREATE TABLE matchable_kept (
    k    INTEGER PRIMARY KEY,
    blob BLOB NOT NULL
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER matchable_claim_added AFTER INSERT ON indicator_sources
BEGIN
    UPDATE matchable_ranges SET stale = 1 WHERE k = NEW.indicator_id / 8192 AND stale = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER matchable_claim_changed AFTER UPDATE ON indicator_sources
WHEN OLD.indicator_id IS NOT NEW.indicator_id OR OLD.source IS NOT NEW.source OR OLD.tlp IS NOT NEW.tlp
    OR OLD.reliability IS NOT NEW.reliability OR OLD.credibility IS NOT NEW.credibility
    OR OLD.confidence IS NOT NEW.confidence OR OLD.labels IS NOT NEW.labels OR OLD.ref IS NOT NEW.ref
    OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_until IS NOT NEW.valid_until
    OR OLD.first_seen IS NOT NEW.first_seen OR OLD.last_seen IS NOT NEW.last_seen
    OR OLD.not_for_matching IS NOT NEW.not_for_matching OR OLD.published_at IS NOT NEW.published_at
    OR OLD.publisher IS NOT NEW.publisher
BEGIN
    UPDATE matchable_ranges SET stale = 1 WHERE k IN (OLD.indicator_id / 8192, NEW.indicator_id / 8192) AND stale = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER matchable_claim_removed AFTER DELETE ON indicator_sources
BEGIN
    UPDATE matchable_ranges SET stale = 1 WHERE k = OLD.indicator_id / 8192 AND stale = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER matchable_indicator_changed AFTER UPDATE ON indicators
WHEN OLD.id IS NOT NEW.id OR OLD.type IS NOT NEW.type OR OLD.value IS NOT NEW.value
    OR OLD.last_sighted IS NOT NEW.last_sighted
BEGIN
    UPDATE matchable_ranges SET stale = 1 WHERE k IN (OLD.id / 8192, NEW.id / 8192) AND stale = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER matchable_indicator_removed AFTER DELETE ON indicators
BEGIN
    UPDATE matchable_ranges SET stale = 1 WHERE k = OLD.id / 8192 AND stale = 0;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER matchable_indicator_removed;
DROP TRIGGER matchable_indicator_changed;
DROP TRIGGER matchable_claim_removed;
DROP TRIGGER matchable_claim_changed;
DROP TRIGGER matchable_claim_added;
DROP TABLE matchable_kept;
DROP TABLE matchable_ranges;
