-- VEX-suppressed findings on the exposure board (issue 11): each suppression keeps the
-- deciding statement's justification as written (vulnerable_code_not_in_execute_path,
-- code_not_reachable…), so the board can say "not affected (VEX: justification)" next
-- to the organisation without reading it back out of the reason's words; and, when the
-- statement was a supplier's, the supplier's name (as inventories name it), so that the
-- supplier's VEX page lists what its statements closed at its customers. Suppressions
-- written before have neither; the next check of their organisation fills them in.
-- A supplier's statements are found by its name ignoring case (inventories spell it as
-- they like), hence the index on lower(owner).

-- +goose Up
ALTER TABLE vex_suppressions ADD COLUMN justification TEXT NOT NULL DEFAULT '';
ALTER TABLE vex_suppressions ADD COLUMN supplier TEXT NOT NULL DEFAULT '';
CREATE INDEX vex_suppressions_supplier ON vex_suppressions (lower(supplier));
CREATE INDEX vex_statements_owner_lower ON vex_statements (owner_kind, lower(owner));

-- +goose Down
DROP INDEX vex_statements_owner_lower;
DROP INDEX vex_suppressions_supplier;
ALTER TABLE vex_suppressions DROP COLUMN supplier;
ALTER TABLE vex_suppressions DROP COLUMN justification;
