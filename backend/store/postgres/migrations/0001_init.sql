-- 0001: Docsift's first schema.
--
-- Conventions:
--   * ids are uuid; the driver validates ids in Go so a malformed id is
--     "not found", never a PostgreSQL syntax error.
--   * *_key columns hold strings.ToLower(strings.ToValidUTF8(x)) computed in
--     Go (so every driver agrees on non-ASCII) and use COLLATE "C" so that
--     ORDER BY is plain byte (= code point) order, whatever the database's
--     locale.
--   * documents.filename is bytea: a filename is bytes as given, and may not
--     be valid UTF-8, which PostgreSQL text refuses.
--   * times are timestamptz, written already truncated to microseconds.

CREATE TABLE users (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL,
    is_default boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
-- At most one local (default) user; lets DefaultUser create it race-free.
CREATE UNIQUE INDEX users_one_default ON users (is_default) WHERE is_default;

CREATE TABLE folders (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id  uuid,
    name       text        NOT NULL,
    name_key   text        COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (user_id, id),
    -- A parent must exist and belong to the same user. No cascade: the
    -- driver's DeleteFolder decides what happens to children.
    FOREIGN KEY (user_id, parent_id) REFERENCES folders (user_id, id)
);
CREATE INDEX folders_user_name ON folders (user_id, name_key, id);
CREATE INDEX folders_parent ON folders (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE documents (
    id              uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    folder_id       uuid,
    filename        bytea       NOT NULL,
    filename_key    text        COLLATE "C" NOT NULL,
    object_key      text        NOT NULL,
    content_type    text        NOT NULL,
    size_bytes      bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256          text        NOT NULL,
    storage_backend text        NOT NULL,
    extracted_text  text        NOT NULL DEFAULT '',
    page_count      integer     NOT NULL DEFAULT 0,
    status          text        NOT NULL
        CHECK (status IN ('stored', 'extracting', 'classifying', 'ready', 'failed')),
    error           text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- A folder must exist and belong to the document's user.
    FOREIGN KEY (user_id, folder_id) REFERENCES folders (user_id, id)
);
-- One copy of the same content per user (ingest deduplicates on it).
CREATE UNIQUE INDEX documents_user_sha256 ON documents (user_id, sha256);
-- Keyset pagination, one index per sort order (each ends with id, the
-- tie-breaker); PostgreSQL scans them backwards for the DESC orders.
CREATE INDEX documents_user_created ON documents (user_id, created_at, id);
CREATE INDEX documents_user_name ON documents (user_id, filename_key, id);
CREATE INDEX documents_user_size ON documents (user_id, size_bytes, id);
CREATE INDEX documents_folder ON documents (folder_id, created_at, id) WHERE folder_id IS NOT NULL;

CREATE TABLE topics (
    id             uuid        PRIMARY KEY,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           text        NOT NULL,
    name_key       text        COLLATE "C" NOT NULL,
    description    text        NOT NULL DEFAULT '',
    color          text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    -- Number of document_topics rows of this topic, kept by the triggers
    -- below, so listing topics with counts costs the same at any size.
    document_count bigint      NOT NULL DEFAULT 0,
    -- Names are unique per user, case-insensitively.
    UNIQUE (user_id, name_key)
);

CREATE TABLE document_topics (
    document_id uuid             NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    topic_id    uuid             NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    source      text             NOT NULL CHECK (source IN ('user', 'classifier', 'rule')),
    confidence  double precision NOT NULL,
    PRIMARY KEY (document_id, topic_id)
);
-- Topic filter (index-only scans).
CREATE INDEX document_topics_topic ON document_topics (topic_id, document_id);

-- topics.document_count follows every change of document_topics, cascades
-- from deleted documents and topics included. One statement-level trigger
-- per statement: the changed rows are counted per topic from the
-- transition table, and the topic rows are locked in id order first, so
-- concurrent transactions touching the same topics queue instead of
-- deadlocking. FOR NO KEY UPDATE does not conflict with the KEY SHARE locks
-- of foreign-key checks, so linking never waits on a count.
CREATE FUNCTION docsift_document_topics_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM topics WHERE id IN (SELECT topic_id FROM new_links)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE topics t SET document_count = t.document_count + n.c
        FROM (SELECT topic_id, count(*) AS c FROM new_links GROUP BY topic_id) n
        WHERE t.id = n.topic_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION docsift_document_topics_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM topics WHERE id IN (SELECT topic_id FROM old_links)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE topics t SET document_count = t.document_count - o.c
        FROM (SELECT topic_id, count(*) AS c FROM old_links GROUP BY topic_id) o
        WHERE t.id = o.topic_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION docsift_document_topics_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM topics
        WHERE id IN (SELECT topic_id FROM old_links UNION SELECT topic_id FROM new_links)
        ORDER BY id FOR NO KEY UPDATE;
    UPDATE topics t SET document_count = t.document_count + d.c
        FROM (SELECT topic_id, sum(c) AS c FROM (
                SELECT topic_id, 1 AS c FROM new_links
                UNION ALL
                SELECT topic_id, -1 AS c FROM old_links) x
              GROUP BY topic_id) d
        WHERE t.id = d.topic_id AND d.c <> 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER document_topics_inserted AFTER INSERT ON document_topics
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_inserted();
CREATE TRIGGER document_topics_deleted AFTER DELETE ON document_topics
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_deleted();
CREATE TRIGGER document_topics_updated AFTER UPDATE ON document_topics
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_updated();

CREATE TABLE settings (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key     text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (user_id, key)
);
