-- 0004: classification (store.Classifications).
--
-- topic_suggestions holds what a classifier proposed below the auto-apply
-- threshold ('pending') and what the person refused ('rejected'; kept so
-- the same suggestion does not come back, and as a lesson for the builtin
-- classifier). classifications records each document's last run.
-- classifier_models keeps a classifier's learned state per user.

CREATE TABLE topic_suggestions (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    topic_id    TEXT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'rejected')),
    confidence  REAL NOT NULL,
    PRIMARY KEY (document_id, topic_id)
) STRICT, WITHOUT ROWID;

-- The inbox filter and topic deletion read this.
CREATE INDEX topic_suggestions_topic ON topic_suggestions (topic_id, document_id);

CREATE TABLE classifications (
    document_id           TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    provider              TEXT NOT NULL,
    model                 TEXT NOT NULL,
    truncated             INTEGER NOT NULL CHECK (truncated IN (0, 1)),
    dropped               INTEGER NOT NULL,
    new_topic_name        TEXT NOT NULL DEFAULT '',
    new_topic_description TEXT NOT NULL DEFAULT '',
    classified_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE classifier_models (
    user_id     TEXT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    data        BLOB NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, name)
) STRICT, WITHOUT ROWID;
