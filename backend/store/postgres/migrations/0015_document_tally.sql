-- 0015: the number of a user's documents, kept instead of counted.
--
-- A listing shows its total, and count(*) over a user's documents reads
-- every entry of documents_user_created: 12-14 ms at 100,000 documents,
-- about 70 ms at a million (docs/benchmarks-history.md, "One million
-- documents, server profile"), against a page that takes 0.07 ms. As on
-- SQLite (document_tally there), triggers keep the count per user, status
-- and filed/unfiled, in the same transaction as the change they count.
--
-- One row per key would be one row every writer of a user updates, held
-- locked until each commit: concurrent imports and workers would queue on
-- it. So each key is split over 16 shards, and a transaction adds its
-- changes to the shard of its own backend (pg_backend_pid() % 16): writers
-- in different processes touch different rows, and a shard's n may go
-- below zero (a document counted in by one backend and out by another);
-- only the sum over shards means anything. Each trigger writes its deltas
-- in one statement ordered by key, so transactions that do share a shard
-- lock its rows in the same order.
CREATE TABLE document_tally (
    user_id uuid     NOT NULL,
    status  text     NOT NULL,
    filed   boolean  NOT NULL, -- folder_id IS NOT NULL
    shard   smallint NOT NULL,
    n       bigint   NOT NULL,
    PRIMARY KEY (user_id, status, filed, shard)
);

INSERT INTO document_tally (user_id, status, filed, shard, n)
SELECT user_id, status, folder_id IS NOT NULL, 0, count(*)
FROM documents
GROUP BY user_id, status, folder_id IS NOT NULL;

CREATE FUNCTION docsift_documents_tally_inserted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO document_tally AS t (user_id, status, filed, shard, n)
    SELECT user_id, status, folder_id IS NOT NULL, pg_backend_pid() % 16, count(*)
    FROM new_documents
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (user_id, status, filed, shard) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION docsift_documents_tally_deleted() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO document_tally AS t (user_id, status, filed, shard, n)
    SELECT user_id, status, folder_id IS NOT NULL, pg_backend_pid() % 16, -count(*)
    FROM old_documents
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (user_id, status, filed, shard) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END
$fn$;

-- Transition tables cannot go with a column list, so this fires for every
-- UPDATE statement of documents; only rows whose key changed add deltas.
CREATE FUNCTION docsift_documents_tally_updated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO document_tally AS t (user_id, status, filed, shard, n)
    SELECT user_id, status, filed, pg_backend_pid() % 16, sum(c)
    FROM (
        SELECT o.user_id, o.status, o.folder_id IS NOT NULL AS filed, -1 AS c
        FROM old_documents o JOIN new_documents n ON n.id = o.id
        WHERE o.user_id <> n.user_id OR o.status <> n.status
           OR (o.folder_id IS NULL) <> (n.folder_id IS NULL)
        UNION ALL
        SELECT n.user_id, n.status, n.folder_id IS NOT NULL, 1
        FROM old_documents o JOIN new_documents n ON n.id = o.id
        WHERE o.user_id <> n.user_id OR o.status <> n.status
           OR (o.folder_id IS NULL) <> (n.folder_id IS NULL)
    ) d
    GROUP BY 1, 2, 3
    HAVING sum(c) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (user_id, status, filed, shard) DO UPDATE SET n = t.n + excluded.n;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER documents_tally_inserted AFTER INSERT ON documents
    REFERENCING NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_documents_tally_inserted();
CREATE TRIGGER documents_tally_deleted AFTER DELETE ON documents
    REFERENCING OLD TABLE AS old_documents
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_documents_tally_deleted();
CREATE TRIGGER documents_tally_updated AFTER UPDATE ON documents
    REFERENCING OLD TABLE AS old_documents NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION docsift_documents_tally_updated();
