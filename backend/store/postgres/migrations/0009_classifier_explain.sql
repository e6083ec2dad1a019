-- 0009: why a classifier chose each topic, and what the person decided.
--
-- classifications.reasons holds, as a JSON object, each applied or
-- suggested topic's reasons: topic id → the few words that weighed most
-- (builtin) or the provider's short reason.
--
-- classifier_decisions is an append-only log of the person's decisions on
-- the classifier's work: an applied topic kept or removed, a suggestion
-- accepted or rejected. The measures in Settings read its last rows.
-- document_id and topic_id are plain values: the log outlives them.
-- documents_user_noted finds the few documents with a note (the ones
-- the classifier could not sort) without reading the others.
CREATE INDEX documents_user_noted ON documents (user_id, created_at, id) WHERE error <> '';

ALTER TABLE classifications ADD COLUMN reasons text NOT NULL DEFAULT '{}';

CREATE TABLE classifier_decisions (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id),
    document_id uuid        NOT NULL,
    topic_id    uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('kept', 'removed', 'accepted', 'rejected')),
    decided_at  timestamptz NOT NULL
);

CREATE INDEX classifier_decisions_user ON classifier_decisions (user_id, decided_at, id);
