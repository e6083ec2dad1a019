-- 0001: the initial schema.
--
-- Times are INTEGER microseconds since the Unix epoch, UTC: they sort as
-- numbers, compare exactly in keyset pagination, and match PostgreSQL's
-- timestamptz precision.
--
-- Every *_key column holds store.FoldKey of its neighbour (computed in Go:
-- SQLite's lower() folds only ASCII). Keys compare byte-wise (BINARY).

CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;

-- At most one default (local) user, so DefaultUser cannot race itself.
CREATE UNIQUE INDEX users_one_default ON users (is_default) WHERE is_default = 1;

CREATE TABLE folders (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    parent_id      TEXT REFERENCES folders (id),
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    -- Kept by the documents_count_* triggers below.
    document_count INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX folders_user_name ON folders (user_id, name_key, id);
CREATE INDEX folders_parent ON folders (parent_id);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    -- A plain reference: DeleteFolder decides what happens to the documents.
    folder_id       TEXT REFERENCES folders (id),
    filename        TEXT NOT NULL,
    filename_key    TEXT NOT NULL,
    object_key      TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256          TEXT NOT NULL,
    storage_backend TEXT NOT NULL,
    page_count      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL
        CHECK (status IN ('stored', 'extracting', 'classifying', 'ready', 'failed')),
    error           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- Duplicate detection: one copy of the same bytes per user.
CREATE UNIQUE INDEX documents_user_sha256 ON documents (user_id, sha256);
-- One index per sort order, each ending in id so keyset pagination is an
-- index range scan: newest/oldest, name, size.
CREATE INDEX documents_user_created ON documents (user_id, created_at, id);
CREATE INDEX documents_user_name ON documents (user_id, filename_key, id);
CREATE INDEX documents_user_size ON documents (user_id, size_bytes, id);
-- Folder listings (and the foreign key check when a folder is deleted).
CREATE INDEX documents_folder ON documents (folder_id, created_at, id);
-- Status filters, e.g. the pipeline looking for work.
CREATE INDEX documents_user_status ON documents (user_id, status, created_at, id);

-- Extracted text lives beside the row, not in it: a page of OCR text is
-- kilobytes, and in the documents table it would spread every row over a
-- page of its own, which every listing, lookup and count would then read.
-- No row means no text.
CREATE TABLE document_texts (
    document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    body        TEXT NOT NULL
) STRICT;

CREATE TABLE topics (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    color          TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    -- Kept by the document_topics_count_* triggers below.
    document_count INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Names are unique per user, case-insensitively; also the order of Topics.
CREATE UNIQUE INDEX topics_user_name ON topics (user_id, name_key);

CREATE TABLE document_topics (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    topic_id    TEXT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    source      TEXT NOT NULL CHECK (source IN ('user', 'classifier', 'rule')),
    confidence  REAL NOT NULL,
    PRIMARY KEY (document_id, topic_id)
) STRICT, WITHOUT ROWID;

-- Topic filters and per-topic counts read this index only.
CREATE INDEX document_topics_topic ON document_topics (topic_id, document_id);

CREATE TABLE settings (
    user_id TEXT NOT NULL REFERENCES users (id),
    key     TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

-- Counts. Counting 100,000 index entries costs ~20 ms in this pure-Go
-- SQLite, so the totals a listing shows most often are kept up to date by
-- triggers, in the same transaction as the change they count: per user by
-- status and by filed/unfiled (document_tally), per folder and per topic
-- (document_count). Any other filter is counted with count(*).

CREATE TABLE document_tally (
    user_id TEXT NOT NULL,
    status  TEXT NOT NULL,
    filed   INTEGER NOT NULL, -- folder_id IS NOT NULL
    n       INTEGER NOT NULL,
    PRIMARY KEY (user_id, status, filed)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER documents_count_insert AFTER INSERT ON documents BEGIN
    INSERT INTO document_tally (user_id, status, filed, n)
        VALUES (NEW.user_id, NEW.status, NEW.folder_id IS NOT NULL, 1)
        ON CONFLICT (user_id, status, filed) DO UPDATE SET n = n + 1;
    UPDATE folders SET document_count = document_count + 1 WHERE id = NEW.folder_id;
END;

CREATE TRIGGER documents_count_delete AFTER DELETE ON documents BEGIN
    UPDATE document_tally SET n = n - 1
        WHERE user_id = OLD.user_id AND status = OLD.status AND filed = (OLD.folder_id IS NOT NULL);
    UPDATE folders SET document_count = document_count - 1 WHERE id = OLD.folder_id;
END;

CREATE TRIGGER documents_count_update AFTER UPDATE OF user_id, status, folder_id ON documents
WHEN OLD.user_id IS NOT NEW.user_id OR OLD.status IS NOT NEW.status OR OLD.folder_id IS NOT NEW.folder_id
BEGIN
    UPDATE document_tally SET n = n - 1
        WHERE user_id = OLD.user_id AND status = OLD.status AND filed = (OLD.folder_id IS NOT NULL);
    INSERT INTO document_tally (user_id, status, filed, n)
        VALUES (NEW.user_id, NEW.status, NEW.folder_id IS NOT NULL, 1)
        ON CONFLICT (user_id, status, filed) DO UPDATE SET n = n + 1;
    UPDATE folders SET document_count = document_count - 1
        WHERE id = OLD.folder_id AND OLD.folder_id IS NOT NEW.folder_id;
    UPDATE folders SET document_count = document_count + 1
        WHERE id = NEW.folder_id AND OLD.folder_id IS NOT NEW.folder_id;
END;

-- Links change only by insert and delete (SetDocumentTopics' upsert never
-- moves a link to another topic). Deleting a document deletes its links by
-- ON DELETE CASCADE, which fires these triggers too.
CREATE TRIGGER document_topics_count_insert AFTER INSERT ON document_topics BEGIN
    UPDATE topics SET document_count = document_count + 1 WHERE id = NEW.topic_id;
END;

CREATE TRIGGER document_topics_count_delete AFTER DELETE ON document_topics BEGIN
    UPDATE topics SET document_count = document_count - 1 WHERE id = OLD.topic_id;
END;
