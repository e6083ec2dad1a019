-- 0012: the bulk loader computes each new document's search vector once.
--
-- Before, a bulk-loaded document with topics had its vector computed
-- twice: by the documents insert trigger (without topic names, because
-- links need the document first) and again by the links insert trigger
-- (with them), leaving a dead row and two GIN entries behind. The loader
-- (bulk.go) now sets docsift.search_deferred = 'on' for its transaction
-- only (SET LOCAL), inserts the document_search rows itself with the
-- topic names it is about to link, and only then copies the links. Every
-- other writer leaves the setting unset and is indexed as before.
CREATE OR REPLACE FUNCTION docsift_documents_search_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF current_setting('docsift.search_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO document_search (document_id, user_id, created_at, search)
    SELECT n.id, n.user_id, n.created_at, docsift_search_vector(n.filename_key, '', n.extracted_text)
    FROM new_documents n;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION docsift_document_topics_search_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF current_setting('docsift.search_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM docsift_refresh_search(ARRAY(SELECT DISTINCT document_id FROM new_links));
    RETURN NULL;
END
$fn$;
