-- 0003: full-text search (store.Searcher) with SQLite's FTS5.
--
-- search indexes each document's filename (name), extracted text (body)
-- and the names of its topics (topics), folded and stemmed by the porter
-- tokenizer over unicode61 with diacritics removed: "cafe" finds "Café",
-- "invoice" finds "invoices". It keeps its own copy of the three columns:
-- an external-content table would need every trigger to repeat the exact
-- old values to delete them, and a wrong guess corrupts the index
-- silently; a copy is deleted and rewritten by rowid alone.
--
-- FTS5 rows are keyed by integers. documents has no INTEGER PRIMARY KEY,
-- and VACUUM may renumber the rowids of such a table, so search_rows gives
-- every document a key of its own (increasing in insertion order, which
-- the search code uses as "recent first"). It also mirrors the columns
-- the search filters read, so that checking a hit against them is one
-- lookup in a small row by integer key: measured at 100,000 documents,
-- ~1.3 µs a hit, where a lookup in documents by its text id costs ~5 µs.
--
-- Triggers on documents, document_texts, document_topics and topics keep
-- both tables in step with the rows they mirror, in the same transaction
-- as each change, so the index cannot drift from the data. A cascade (a
-- document's texts and links going with it) deletes the child rows after
-- the document row: the child triggers check that the document still
-- exists, and the document's own trigger then removes its index row.

CREATE TABLE search_rows (
    seq          INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL,
    folder_id    TEXT,
    status       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE VIRTUAL TABLE search USING fts5 (
    name, body, topics,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- ORDER BY rank means bm25 with these column weights: a word in the name
-- counts most, then in a topic's name, then in the text. The same weights
-- are spelt out in search.go.
INSERT INTO search (search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 5.0)');

-- Backfill what 0001 stored, oldest first.
INSERT INTO search_rows (document_id, user_id, folder_id, status, content_type, created_at)
    SELECT id, user_id, folder_id, status, content_type, created_at FROM documents ORDER BY created_at, id;
INSERT INTO search (rowid, name, body, topics)
    SELECT sr.seq, d.filename,
        coalesce((SELECT body FROM document_texts WHERE document_id = d.id), ''),
        coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
            FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
            WHERE dt.document_id = d.id), '')
    FROM search_rows sr JOIN documents d ON d.id = sr.document_id;

-- Documents.

CREATE TRIGGER search_document_insert AFTER INSERT ON documents BEGIN
    INSERT INTO search_rows (document_id, user_id, folder_id, status, content_type, created_at)
        VALUES (NEW.id, NEW.user_id, NEW.folder_id, NEW.status, NEW.content_type, NEW.created_at);
    INSERT INTO search (rowid, name, body, topics)
        VALUES ((SELECT seq FROM search_rows WHERE document_id = NEW.id), NEW.filename, '', '');
END;

CREATE TRIGGER search_document_delete AFTER DELETE ON documents BEGIN
    DELETE FROM search WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = OLD.id);
    DELETE FROM search_rows WHERE document_id = OLD.id;
END;

CREATE TRIGGER search_document_rename AFTER UPDATE OF filename ON documents
WHEN OLD.filename IS NOT NEW.filename
BEGIN
    UPDATE search SET name = NEW.filename
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = NEW.id);
END;

CREATE TRIGGER search_document_mirror
AFTER UPDATE OF id, user_id, folder_id, status, content_type, created_at ON documents
WHEN OLD.id IS NOT NEW.id OR OLD.user_id IS NOT NEW.user_id OR OLD.folder_id IS NOT NEW.folder_id
    OR OLD.status IS NOT NEW.status OR OLD.content_type IS NOT NEW.content_type
    OR OLD.created_at IS NOT NEW.created_at
BEGIN
    UPDATE search_rows SET document_id = NEW.id, user_id = NEW.user_id, folder_id = NEW.folder_id,
            status = NEW.status, content_type = NEW.content_type, created_at = NEW.created_at
        WHERE document_id = OLD.id;
END;

-- Extracted text. An update may in theory move a text to another
-- document, so both are refreshed from the table.

CREATE TRIGGER search_text_insert AFTER INSERT ON document_texts BEGIN
    UPDATE search SET body = NEW.body
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = NEW.document_id);
END;

CREATE TRIGGER search_text_update AFTER UPDATE ON document_texts BEGIN
    UPDATE search SET body = coalesce((SELECT body FROM document_texts WHERE document_id = OLD.document_id), '')
        WHERE OLD.document_id IS NOT NEW.document_id
        AND rowid = (SELECT seq FROM search_rows WHERE document_id = OLD.document_id);
    UPDATE search SET body = NEW.body
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = NEW.document_id);
END;

CREATE TRIGGER search_text_delete AFTER DELETE ON document_texts
WHEN EXISTS (SELECT 1 FROM documents WHERE id = OLD.document_id)
BEGIN
    UPDATE search SET body = ''
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = OLD.document_id);
END;

-- Topic links and topic names. The topics column is the names of the
-- document's topics in name order, rebuilt from the tables on each change.

CREATE TRIGGER search_link_insert AFTER INSERT ON document_topics BEGIN
    UPDATE search SET topics = coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
            FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
            WHERE dt.document_id = NEW.document_id), '')
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = NEW.document_id);
END;

CREATE TRIGGER search_link_delete AFTER DELETE ON document_topics
WHEN EXISTS (SELECT 1 FROM documents WHERE id = OLD.document_id)
BEGIN
    UPDATE search SET topics = coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
            FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
            WHERE dt.document_id = OLD.document_id), '')
        WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = OLD.document_id);
END;

CREATE TRIGGER search_link_move AFTER UPDATE OF document_id, topic_id ON document_topics
WHEN OLD.document_id IS NOT NEW.document_id OR OLD.topic_id IS NOT NEW.topic_id
BEGIN
    UPDATE search SET topics = coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
            FROM search_rows sr
                JOIN document_topics dt ON dt.document_id = sr.document_id
                JOIN topics t ON t.id = dt.topic_id
            WHERE sr.seq = search.rowid), '')
        WHERE rowid IN (SELECT seq FROM search_rows WHERE document_id IN (OLD.document_id, NEW.document_id));
END;

CREATE TRIGGER search_topic_rename AFTER UPDATE OF name ON topics
WHEN OLD.name IS NOT NEW.name
BEGIN
    UPDATE search SET topics = coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
            FROM search_rows sr
                JOIN document_topics dt ON dt.document_id = sr.document_id
                JOIN topics t ON t.id = dt.topic_id
            WHERE sr.seq = search.rowid), '')
        WHERE rowid IN (SELECT sr.seq FROM document_topics dt
            JOIN search_rows sr ON sr.document_id = dt.document_id
            WHERE dt.topic_id = NEW.id);
END;
