// Package postgres is the PostgreSQL driver of Docsift's metadata store
// (store.Store), used by the server profile: several Docsift processes may
// share one database.
//
// It talks to PostgreSQL through a pgx connection pool, migrates the schema
// itself on Open from the numbered SQL files embedded in migrations/ (each
// step and its version bump in one transaction, serialised across processes
// by an advisory lock), and refuses a database written by a newer Docsift
// (store.ErrTooNew).
//
// Behaviour is defined by the store package's interface documentation and
// checked by storetest; notable choices of this driver:
//
//   - Filenames are stored as bytea, so any bytes round-trip exactly; a
//     separate lower-cased, UTF-8-clean key serves search and sorting.
//   - Case-insensitive keys (filename, topic and folder names) are computed
//     in Go with store.FoldKey and compared byte-wise (COLLATE "C"), so
//     results do not depend on the server's locale.
//   - Ids are uuid columns. A lookup by a string that is not a UUID finds
//     nothing (store.ErrNotFound); a create with one is refused. Ids come
//     back in canonical lower-case form.
//   - Times are UTC and truncated to microseconds (PostgreSQL's precision)
//     before they are written, so what a caller gets back is what is stored
//     and keyset cursors compare exactly.
//   - Topic document counts are kept in topics.document_count by triggers
//     on document_topics (cascades included), so listing topics with counts
//     does not grow with the number of documents. Writers lock the topic
//     rows they change in id order, so they queue rather than deadlock.
//   - Extracted text and error messages are derived data: NUL bytes and
//     invalid UTF-8, which PostgreSQL text cannot hold, are replaced.
//   - The job queue (store.JobQueue) is the jobs table. Claims lock their
//     candidates with FOR UPDATE SKIP LOCKED, so processes sharing the
//     database never take the same job; leases and due times are judged
//     by the database server's clock, the one clock they all share.
//     FinishJob checks the lease, patches the document, moves the job on
//     and enqueues the next in one transaction.
//   - Full-text search (store.Searcher) reads document_search: one tsvector
//     per document (filename weight A, topic names B, text D; unaccent +
//     English Snowball stems, stop words kept) kept by triggers in the
//     writing transaction, so it cannot drift, under a GIN index. Queries
//     are built from SearchTerm data as parameters of plainto_tsquery,
//     phraseto_tsquery and to_tsquery, never as query syntax. Relevance
//     ranks every match (ts_rank, normalised by length); the count is
//     bounded by the planner's estimate of the matches: up to 10,000 are
//     counted exactly, beyond that the total is the estimate. Snippets
//     (ts_headline) are made for the page only, from ~800 characters of
//     text around the first likely match.
//   - Lock order, followed by every writer so that none deadlocks: a
//     document row, then topic rows in id order, then search rows in
//     document order (see DeleteDocument, SetDocumentTopics, FinishJob and
//     migration 0003).
//
// The package must not log or return the connection string (it may hold a
// password), and knows nothing of object storage, extraction or the UI.
package postgres
