-- VEX-suppressed findings on the exposure board (issue 11): each suppression keeps the
-- deciding statement's justification as written (vulnerable_code_not_in_execute_path,
-- code_not_reachable…), so the board can say "not affected (VEX: justification)" next
-- to the organisation without reading it back out of the reason's words. Suppressions
-- written before have none; the next check of their organisation fills it in.

-- +goose Up
ALTER TABLE vex_suppressions ADD COLUMN justification TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE vex_suppressions DROP COLUMN justification;
