-- An intel import writes the change log's lines for the claims it adds or changes
-- itself, one statement per batch (store.SourceImport), instead of the triggers writing
-- one line per row: on a large upload the per-row trigger cost as much as storing the
-- claim. The triggers leave alone the rows an import writes: an inserted claim carrying
-- an import's mark (last_import, never 0 for an import), and an update that moves that
-- mark. Every other write of a claim (a feed renamed, a withdrawal) is logged as before.

-- +goose Up
DROP TRIGGER intel_log_claim_added;
DROP TRIGGER intel_log_claim_changed;

-- +goose StatementBegin
CREATE TRIGGER intel_log_claim_added AFTER INSERT ON indicator_sources
WHEN NEW.last_import = 0
BEGIN
    INSERT INTO intel_changes (version, type, value)
    SELECT (SELECT version + 1 FROM change_versions WHERE scope = 'intel'), type, value
    FROM indicators WHERE id = NEW.indicator_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER intel_log_claim_changed AFTER UPDATE ON indicator_sources
WHEN OLD.last_import IS NEW.last_import AND (OLD.indicator_id IS NOT NEW.indicator_id OR OLD.source IS NOT NEW.source
    OR OLD.tlp IS NOT NEW.tlp OR OLD.reliability IS NOT NEW.reliability OR OLD.credibility IS NOT NEW.credibility
    OR OLD.confidence IS NOT NEW.confidence OR OLD.labels IS NOT NEW.labels
    OR OLD.valid_from IS NOT NEW.valid_from OR OLD.valid_until IS NOT NEW.valid_until
    OR OLD.not_for_matching IS NOT NEW.not_for_matching)
BEGIN
    INSERT INTO intel_changes (version, type, value)
    SELECT (SELECT version + 1 FROM change_versions WHERE scope = 'intel'), type, value
    FROM indicators WHERE id IN (OLD.indicator_id, NEW.indicator_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER intel_log_claim_added;
DROP TRIGGER intel_log_claim_changed;

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
