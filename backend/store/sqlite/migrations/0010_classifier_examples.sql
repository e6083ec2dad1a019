-- 0010: the builtin classifier's lessons, one row per version, so that
-- learning writes one document's lesson instead of the whole model.
--
-- classifier_examples numbers each version per user and classifier (seq,
-- handed out by classifier_counters in the writing transaction, so in
-- commit order); data is the lesson, NULL when the document was
-- forgotten. classifier_models.data becomes a snapshot of the counts that
-- takes in every version up to its generation; saving one deletes the
-- versions it made unnecessary. document_id has no foreign key: a deleted
-- document's forgetting must stay until a snapshot takes it in.
-- classifier_counters.model_generation repeats the snapshot's generation
-- where reading it does not mean reading past the snapshot's bytes.
ALTER TABLE classifier_models ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE classifier_counters (
    user_id  TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name     TEXT    NOT NULL,
    last_seq INTEGER NOT NULL,
    model_generation INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE classifier_examples (
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    document_id TEXT    NOT NULL,
    data        BLOB,
    UNIQUE (user_id, name, seq)
) STRICT;

-- A document's versions, newest last: the version a new one replaces.
CREATE INDEX classifier_examples_document ON classifier_examples (user_id, name, document_id, seq);
