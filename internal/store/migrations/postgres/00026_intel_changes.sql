-- The log of changed indicators (issue 13): every claim added, removed or changed in a
-- way that matters to matching (source, TLP, grade, confidence, labels, validity,
-- not-for-matching) writes the indicator's type and value here, stamped with the intel
-- change count its transaction commits as. The trigger locks the count's row first (as
-- the transaction's own bump would), so writers of indicators take their stamps one
-- after another and a stamp is never below a count already committed. A server holding
-- version N reads the indicators logged after N and applies them to its matcher instead
-- of rebuilding it. Rows at or below the 'intel_log' count were pruned: a server behind
-- that rebuilds in full. Statement triggers over transition tables log a bulk write in
-- one INSERT. Refreshes that only move the publication time, the reference or the first
-- and last seen times are not logged: the hourly full rebuild takes them in.

-- +goose Up
CREATE TABLE intel_changes (
    version BIGINT NOT NULL,
    type    TEXT COLLATE "C" NOT NULL,
    value   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX intel_changes_version ON intel_changes (version);
INSERT INTO change_versions (scope, version) SELECT 'intel_log', version FROM change_versions WHERE scope = 'intel';

-- +goose StatementBegin
CREATE FUNCTION intel_next_version() RETURNS BIGINT LANGUAGE sql AS $$
    SELECT version + 1 FROM change_versions WHERE scope = 'intel' FOR UPDATE;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION intel_log_claims() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM 1 FROM new_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM new_claims n JOIN indicators i ON i.id = n.indicator_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM old_claims LIMIT 1;
        IF NOT FOUND THEN RETURN NULL; END IF;
        v := intel_next_version();
        INSERT INTO intel_changes (version, type, value)
        SELECT v, i.type, i.value FROM old_claims o JOIN indicators i ON i.id = o.indicator_id;
    ELSE
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
CREATE FUNCTION intel_log_indicators() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM old_indicators LIMIT 1;
    IF NOT FOUND THEN RETURN NULL; END IF;
    INSERT INTO intel_changes (version, type, value)
    SELECT intel_next_version(), type, value FROM old_indicators;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER intel_log_claims_added AFTER INSERT ON indicator_sources
    REFERENCING NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION intel_log_claims();
CREATE TRIGGER intel_log_claims_changed AFTER UPDATE ON indicator_sources
    REFERENCING OLD TABLE AS old_claims NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION intel_log_claims();
CREATE TRIGGER intel_log_claims_removed AFTER DELETE ON indicator_sources
    REFERENCING OLD TABLE AS old_claims FOR EACH STATEMENT EXECUTE FUNCTION intel_log_claims();
CREATE TRIGGER intel_log_indicators_removed AFTER DELETE ON indicators
    REFERENCING OLD TABLE AS old_indicators FOR EACH STATEMENT EXECUTE FUNCTION intel_log_indicators();

-- +goose Down
DROP TRIGGER intel_log_indicators_removed ON indicators;
DROP TRIGGER intel_log_claims_removed ON indicator_sources;
DROP TRIGGER intel_log_claims_changed ON indicator_sources;
DROP TRIGGER intel_log_claims_added ON indicator_sources;
DROP FUNCTION intel_log_indicators();
DROP FUNCTION intel_log_claims();
DROP FUNCTION intel_next_version();
DELETE FROM change_versions WHERE scope = 'intel_log';
DROP TABLE intel_changes;
