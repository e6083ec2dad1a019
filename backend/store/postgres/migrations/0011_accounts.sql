-- 0011: accounts, sessions and personal tokens.
--
-- An account is a users row with a password hash; the implicit owner
-- (is_default, no password) is not one. name_key (store.FoldKey of name,
-- set only on accounts) makes names unique ignoring case. Quotas: 0 means
-- no bound. Sessions and tokens keep only the hex SHA-256 of their secret.

ALTER TABLE users
    ADD COLUMN name_key        text COLLATE "C",
    ADD COLUMN password_hash   text    NOT NULL DEFAULT '',
    ADD COLUMN is_admin        boolean NOT NULL DEFAULT false,
    ADD COLUMN quota_bytes     bigint  NOT NULL DEFAULT 0,
    ADD COLUMN quota_documents bigint  NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX users_name_key ON users (name_key) WHERE name_key IS NOT NULL;

CREATE TABLE sessions (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text        NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    address      text        NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    token_hash   text        NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);
