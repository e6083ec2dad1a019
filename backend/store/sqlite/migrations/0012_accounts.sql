-- 0012: accounts, sessions and personal tokens.
--
-- An account is a users row with a password hash; the implicit owner
-- (is_default, no password) is not one. name_key (store.FoldKey of name,
-- set only on accounts) makes names unique ignoring case. Quotas: 0 means
-- no bound. Sessions and tokens keep only the hex SHA-256 of their secret.

ALTER TABLE users ADD COLUMN name_key TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN quota_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN quota_documents INTEGER NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX users_name_key ON users (name_key) WHERE name_key IS NOT NULL;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);
