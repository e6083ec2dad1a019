-- 0003: full-text search (store.Searcher).
--
-- Every document has one row in document_search: its owner and creation
-- time (both never change; copied so that ranking and date filters read
-- this table alone) and a tsvector of its filename (weight A), the names of
-- its topics (B) and its extracted text (D). Triggers on documents,
-- document_topics and topics keep the row in step with the data in the same
-- transaction, so the index can never drift from the database, not even
-- across a crash.
--
-- Text is split on punctuation (so "invoice.pdf", "foo-bar" and
-- "user@example.com" index their words, as the query side splits them),
-- folded to lower case, stripped of diacritics (unaccent) and stemmed with
-- the English Snowball stemmer. Stop words are kept: "to be or not to be"
-- and a document named "The Who" stay findable.

-- A trusted extension since PostgreSQL 13: a database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH DICTIONARY docsift_english_stem (TEMPLATE = snowball, Language = english);

CREATE TEXT SEARCH CONFIGURATION docsift (COPY = english);
ALTER TEXT SEARCH CONFIGURATION docsift
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH docsift_english_stem;
ALTER TEXT SEARCH CONFIGURATION docsift
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, docsift_english_stem;
ALTER TEXT SEARCH CONFIGURATION docsift
    ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;

-- docsift_search_words turns punctuation into spaces, so the parser sees
-- the words of compound tokens (file names, URLs, e-mail addresses,
-- versions, hyphenated words) instead of one opaque token.
CREATE FUNCTION docsift_search_words(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
    SELECT translate(t, p, repeat(' ', char_length(p)))
    FROM (SELECT E'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2013\u2014\u2015\u2026\u00b7\u2022'::text AS p) c
$fn$;

-- docsift_search_vector is a document's tsvector. Filename first, then
-- topics, then text: the short parts keep exact positions even when a long
-- text reaches PostgreSQL's position limit.
CREATE FUNCTION docsift_search_vector(filename_key text, topic_names text, body text) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
    SELECT setweight(to_tsvector('docsift', docsift_search_words(coalesce(filename_key, ''))), 'A')
        || setweight(to_tsvector('docsift', docsift_search_words(coalesce(topic_names, ''))), 'B')
        || setweight(to_tsvector('docsift', docsift_search_words(coalesce(body, ''))), 'D')
$fn$;

-- docsift_topic_names lists a document's topic names, space-separated.
CREATE FUNCTION docsift_topic_names(doc uuid) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
    SELECT coalesce(string_agg(t.name, ' ' ORDER BY t.name_key, t.id), '')
    FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
    WHERE dt.document_id = doc
$fn$;

-- docsift_snippet_source is the part of a document's text a snippet is
-- made from. ts_headline parses everything it is given (about 0.5 ms per
-- page of text per hit, tens of milliseconds for a book), so a text is cut
-- to 800 characters around the first word that may match q: one of the
-- query's stems less its last letter, as a word start, ignoring case and
-- accents, looked for in the first 32,768 characters. When none is found
-- there (a match only in the name or topics, or further into the text)
-- the snippet comes from the start. Needs PostgreSQL 15 (regexp_instr).
CREATE FUNCTION docsift_snippet_source(body text, q tsquery) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
DECLARE
    head    text;
    pattern text;
    at      integer := 0;
BEGIN
    IF body IS NULL OR length(body) <= 1000 THEN
        RETURN body;
    END IF;
    head := left(body, 32768);
    -- The query's lexemes, quoted in its text form; anything but letters
    -- and digits in them is escaped for the regular expression.
    SELECT string_agg(DISTINCT regexp_replace(left(m[1], greatest(3, length(m[1]) - 1)),
                                              '([^[:alnum:]])', '\\\1', 'g'), '|')
      INTO pattern
      FROM regexp_matches(q::text, '''((?:[^'']|'''')+)''', 'g') AS m;
    IF pattern IS NOT NULL THEN
        at := regexp_instr(unaccent(head), '\m(' || pattern || ')', 1, 1, 0, 'i');
    END IF;
    IF at = 0 THEN
        RETURN left(body, 800);
    END IF;
    RETURN substr(head, greatest(1, at - 300), 800);
END
$fn$;

CREATE TABLE document_search (
    document_id uuid        PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    search      tsvector    NOT NULL
)
-- Keep vectors of ordinary documents (up to ~8 kB) in the row,
-- uncompressed: ranking reads every match's vector, and a detour through
-- TOAST and decompression per row is most of that cost.
WITH (toast_tuple_target = 8160);

CREATE INDEX document_search_terms ON document_search USING gin (search);
-- User isolation with date order (ByDate) and date bounds.
CREATE INDEX document_search_user_created ON document_search (user_id, created_at, document_id);

-- docsift_refresh_search recomputes the vectors of the given documents.
-- The rows are locked first, in document order (so refreshes of
-- overlapping sets queue rather than deadlock), and only then read and
-- rewritten by a second statement: in READ COMMITTED that statement sees
-- whatever the transactions it waited for committed, so a concurrent
-- topic rename and text update cannot leave a stale mix behind.
CREATE FUNCTION docsift_refresh_search(ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM document_search WHERE document_id = ANY (ids)
        ORDER BY document_id FOR NO KEY UPDATE;
    UPDATE document_search s
       SET search = docsift_search_vector(d.filename_key, docsift_topic_names(d.id), d.extracted_text)
      FROM documents d
     WHERE d.id = s.document_id AND s.document_id = ANY (ids);
END
$fn$;

-- New documents (one statement, so COPY stays a bulk operation). A new
-- document has no topic links yet: foreign keys need it to exist first.
CREATE FUNCTION docsift_documents_search_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO document_search (document_id, user_id, created_at, search)
    SELECT n.id, n.user_id, n.created_at, docsift_search_vector(n.filename_key, '', n.extracted_text)
    FROM new_documents n;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER documents_search_inserted AFTER INSERT ON documents
    REFERENCING NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_documents_search_inserted();

-- A changed filename or text (status changes and moves do not fire it).
CREATE FUNCTION docsift_documents_search_updated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM 1 FROM document_search WHERE document_id = NEW.id FOR NO KEY UPDATE;
    UPDATE document_search
       SET user_id = NEW.user_id,
           created_at = NEW.created_at,
           search = docsift_search_vector(NEW.filename_key, docsift_topic_names(NEW.id), NEW.extracted_text)
     WHERE document_id = NEW.id;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER documents_search_updated
    AFTER UPDATE OF filename_key, extracted_text, user_id, created_at ON documents
    FOR EACH ROW
    WHEN (OLD.filename_key IS DISTINCT FROM NEW.filename_key
       OR OLD.extracted_text IS DISTINCT FROM NEW.extracted_text
       OR OLD.user_id IS DISTINCT FROM NEW.user_id
       OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION docsift_documents_search_updated();

-- Topic links made or removed, cascades from deleted topics included.
-- These fire after the count triggers of 0001 (triggers fire in name
-- order), which lock the topics first: every writer takes topic locks
-- before search rows.
CREATE FUNCTION docsift_document_topics_search_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM docsift_refresh_search(ARRAY(SELECT DISTINCT document_id FROM new_links));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION docsift_document_topics_search_deleted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM docsift_refresh_search(ARRAY(SELECT DISTINCT document_id FROM old_links));
    RETURN NULL;
END
$fn$;

CREATE FUNCTION docsift_document_topics_search_updated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM docsift_refresh_search(ARRAY(
        SELECT document_id FROM old_links UNION SELECT document_id FROM new_links));
    RETURN NULL;
END
$fn$;

CREATE TRIGGER document_topics_search_inserted AFTER INSERT ON document_topics
    REFERENCING NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_search_inserted();
CREATE TRIGGER document_topics_search_deleted AFTER DELETE ON document_topics
    REFERENCING OLD TABLE AS old_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_search_deleted();
CREATE TRIGGER document_topics_search_updated AFTER UPDATE ON document_topics
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_document_topics_search_updated();

-- A renamed topic: its documents' vectors carry the new name.
CREATE FUNCTION docsift_topics_search_renamed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM docsift_refresh_search(ARRAY(
        SELECT document_id FROM document_topics WHERE topic_id = NEW.id));
    RETURN NULL;
END
$fn$;

CREATE TRIGGER topics_search_renamed AFTER UPDATE OF name ON topics
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION docsift_topics_search_renamed();

-- Documents that exist already (a database migrated from version 2).
INSERT INTO document_search (document_id, user_id, created_at, search)
SELECT d.id, d.user_id, d.created_at,
       docsift_search_vector(d.filename_key, docsift_topic_names(d.id), d.extracted_text)
FROM documents d;
