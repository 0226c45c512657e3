-- Users, sessions, API tokens and failed logins. Secrets are never stored: passwords as
-- argon2id hashes (parameters and salt inside the hash string), session ids and tokens
-- as SHA-256.

-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    org           TEXT REFERENCES orgs (ods_code),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX users_org ON users (org);

CREATE TABLE sessions (
    id_hash      BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- A token belongs to a user (and acts with the user's role) or is a sensor token for one
-- organisation (role sensor), never both.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,
    hint         TEXT NOT NULL,
    name         TEXT NOT NULL,
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,
    org          TEXT REFERENCES orgs (ods_code) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT,
    CHECK ((user_id IS NULL) <> (org IS NULL))
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX api_tokens_org ON api_tokens (org);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_at ON login_failures (at);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
