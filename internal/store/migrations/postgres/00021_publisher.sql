-- +goose Up
ALTER TABLE indicator_sources ADD COLUMN publisher TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE indicator_sources DROP COLUMN publisher;
