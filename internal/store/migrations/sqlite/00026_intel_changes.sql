-- The log of changed indicators (issue 13): every claim added, removed or changed in a
-- way that matters to matching (source, TLP, grade, confidence, labels, validity,
-- not-for-matching) writes the indicator's type and value here, stamped with the intel
-- change count its transaction commits as (the count + 1: SQLite has one writer, and
-- every writer of indicators bumps the count once before it commits). A server holding
-- version N reads the indicators logged after N and applies them to its matcher instead
-- of rebuilding it. Rows at or below the 'intel_log' count were pruned: a server behind
-- that rebuilds in full. Refreshes that only move the publication time, the reference or
-- the first and last seen times are not logged: the hourly full rebuild takes them in.

-- +goose Up
CREATE TABLE intel_changes (
    version INTEGER NOT NULL,
    type    TEXT NOT NULL,
    value   TEXT NOT NULL
) STRICT;
CREATE INDEX intel_changes_version ON intel_changes (version);
INSERT INTO change_versions (scope, version) SELECT 'intel_log', version FROM change_versions WHERE scope = 'intel';

-- +goose StatementBegin
CREATE TRIGGER intel_log_claim_added AFTER INSERT ON indicator_sources
BEGIN
    INSERT INTO intel_changes (version, type, value)
    SELECT (SELECT version + 1 FROM change_versions WHERE scope = 'intel'), type, value
    FROM indicators WHERE id = NEW.indicator_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_log_claim_changed AFTER UPDATE ON indicator_sources
WHEN OLD.indicator_id IS NOT NEW.indicator_id OR OLD.source IS NOT NEW.source OR OLD.tlp IS NOT NEW.tlp
    OR OLD.reliability IS NOT NEW.reliability OR OLD.credibility IS NOT NEW.credibility
    OR OLD.confidence IS NOT NEW.confidence OR OLD.labels IS NOT NEW.labels
    OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_until IS NOT NEW.valid_until
    OR OLD.not_for_matching IS NOT NEW.not_for_matching
BEGIN
    INSERT INTO intel_changes (version, type, value)
    SELECT (SELECT version + 1 FROM change_versions WHERE scope = 'intel'), type, value
    FROM indicators WHERE id IN (OLD.indicator_id, NEW.indicator_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_log_claim_removed AFTER DELETE ON indicator_sources
BEGIN
    INSERT INTO intel_changes (version, type, value)
    SELECT (SELECT version + 1 FROM change_versions WHERE scope = 'intel'), type, value
    FROM indicators WHERE id = OLD.indicator_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_log_indicator_removed AFTER DELETE ON indicators
BEGIN
    INSERT INTO intel_changes (version, type, value)
    VALUES ((SELECT version + 1 FROM change_versions WHERE scope = 'intel'), OLD.type, OLD.value);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER intel_log_indicator_removed;
DROP TRIGGER intel_log_claim_removed;
DROP TRIGGER intel_log_claim_changed;
DROP TRIGGER intel_log_claim_added;
DELETE FROM change_versions WHERE scope = 'intel_log';
DROP TABLE intel_changes;
