-- An analyst applying a supplier's attestation may say why, in words of their own: each
-- customer's alert closes with them after the supplier's.

-- +goose Up
ALTER TABLE vuln_attestations ADD COLUMN applied_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE vuln_attestations DROP COLUMN applied_note;
