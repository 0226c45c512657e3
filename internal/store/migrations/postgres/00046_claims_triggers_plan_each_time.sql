-- Renaming a feed with many claims hung on PostgreSQL, at full CPU. The claims triggers
-- join the statement's old and new rows (transition tables, which have no index), and
-- PL/pgSQL plans each of their queries once per connection and keeps the plan: planned
-- for an import's small batch, the joins were nested loops, and a rename's 100,000 rows
-- then took 10^10 comparisons. Those joins now run through EXECUTE, planned for the rows
-- at hand each time (well under a millisecond a statement), and the check whether an
-- import wrote the rows counts the pairs rather than asking for one (LIMIT 1 chose a
-- nested loop even when planned afresh).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION intel_log_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
    moved BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_claims WHERE last_import = 0 LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM new_claims n JOIN indicators i ON i.id = n.indicator_id
        WHERE n.last_import = 0;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM old_claims o JOIN indicators i ON i.id = o.indicator_id;
    ELSE
        -- an import's update moves every row's last_import: it logs those itself
        EXECUTE 'SELECT count(*) FROM new_claims n JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
            WHERE o.last_import <> n.last_import' INTO moved;
        IF moved > 0 THEN RETURN NULL; END IF;
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        EXECUTE 'INSERT INTO intel_changes (version, type, value)
        SELECT $1, i.type, i.value
        FROM new_claims n
        LEFT JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        JOIN indicators i ON i.id = n.indicator_id
        WHERE o.indicator_id IS NULL
           OR (n.tlp, n.reliability, n.credibility, n.confidence, n.labels, n.valid_from, n.valid_until, n.not_for_matching)
              IS DISTINCT FROM
              (o.tlp, o.reliability, o.credibility, o.confidence, o.labels, o.valid_from, o.valid_until, o.not_for_matching)' USING v;
        -- a claim moved to another indicator or source also changes the one it left
        EXECUTE 'INSERT INTO intel_changes (version, type, value)
        SELECT $1, i.type, i.value
        FROM old_claims o
        LEFT JOIN new_claims n ON n.indicator_id = o.indicator_id AND n.source = o.source
        JOIN indicators i ON i.id = o.indicator_id
        WHERE n.indicator_id IS NULL' USING v;
    END IF;
    RETURN NULL;
END;
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
        EXECUTE 'UPDATE matchable_ranges SET stale = 1
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
            WHERE n.indicator_id IS NULL)';
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION intel_log_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_claims WHERE last_import = 0 LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM new_claims n JOIN indicators i ON i.id = n.indicator_id
        WHERE n.last_import = 0;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM old_claims o JOIN indicators i ON i.id = o.indicator_id;
    ELSE
        -- an import's update moves every row's last_import: it logs those itself
        PERFORM 1 FROM new_claims n JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        WHERE o.last_import <> n.last_import LIMIT 1;
        IF FOUND THEN RETURN NULL; END IF;
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM new_claims n
        LEFT JOIN old_claims o ON o.indicator_id = n.indicator_id AND o.source = n.source
        JOIN indicators i ON i.id = n.indicator_id
        WHERE o.indicator_id IS NULL
           OR (n.tlp, n.reliability, n.credibility, n.confidence, n.labels, n.valid_from, n.valid_until, n.not_for_matching)
              IS DISTINCT FROM
              (o.tlp, o.reliability, o.credibility, o.confidence, o.labels, o.valid_from, o.valid_until, o.not_for_matching);
        -- a claim moved to another indicator or source also changes the one it left
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value
        FROM old_claims o
        LEFT JOIN new_claims n ON n.indicator_id = o.indicator_id AND n.source = o.source
        JOIN indicators i ON i.id = o.indicator_id
        WHERE n.indicator_id IS NULL;
    END IF;
    RETURN NULL;
END;
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
