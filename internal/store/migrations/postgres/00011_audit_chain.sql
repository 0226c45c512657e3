-- The audit chain is keyed: chain says how a row's hash was made. 0 is the plain
-- SHA-256 of the rows written before this migration; 1 is HMAC-SHA256 with a key
-- derived from the server secret (see audit.go). Existing rows keep 0, and the first
-- keyed row continues their chain (its prev_hash is the last plain row's hash), so a
-- plain row after a keyed one is a rewrite. Adding a column fires no UPDATE trigger.

-- +goose Up
ALTER TABLE audit_log ADD COLUMN chain SMALLINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE audit_log DROP COLUMN chain;
