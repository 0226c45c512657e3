-- A deleted feed's id is never given to a new feed. PostgreSQL's identity column never
-- reuses one already; SQLite's migration of the same number makes its ids so too. This
-- one keeps the two engines' migrations numbered alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
