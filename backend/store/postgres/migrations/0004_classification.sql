-- 0004: classification (store.Classifications).
--
-- topic_suggestions holds what a classifier proposed below the auto-apply
-- threshold ('pending') and what the person refused ('rejected'; kept so
-- the same suggestion does not come back, and as a lesson for the builtin
-- classifier). classifications records each document's last run.
-- classifier_models keeps a classifier's learned state per user.

CREATE TABLE topic_suggestions (
    document_id uuid             NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    topic_id    uuid             NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    state       text             NOT NULL CHECK (state IN ('pending', 'rejected')),
    confidence  double precision NOT NULL,
    PRIMARY KEY (document_id, topic_id)
);

CREATE INDEX topic_suggestions_topic ON topic_suggestions (topic_id, document_id);

CREATE TABLE classifications (
    document_id           uuid        PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    provider              text        NOT NULL,
    model                 text        NOT NULL,
    truncated             boolean     NOT NULL,
    dropped               integer     NOT NULL,
    new_topic_name        text        NOT NULL DEFAULT '',
    new_topic_description text        NOT NULL DEFAULT '',
    classified_at         timestamptz NOT NULL
);

CREATE TABLE classifier_models (
    user_id     uuid        NOT NULL REFERENCES users (id),
    name        text        NOT NULL,
    -- A uint64 stored bit for bit in a signed bigint.
    fingerprint bigint      NOT NULL,
    data        bytea       NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, name)
);
