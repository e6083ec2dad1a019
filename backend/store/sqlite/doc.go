// Package sqlite is the store.Store driver for the local profile: one SQLite
// file, opened through database/sql with the pure-Go modernc.org/sqlite
// driver, so Docsift needs no cgo and no server.
//
// Connections: SQLite allows one writer at a time. Every write goes through
// a pool of exactly one connection whose transactions begin IMMEDIATE, so
// writers of this process queue in Go instead of failing with SQLITE_BUSY,
// and a writer in another process waits up to the busy timeout for the
// lock. Reads use a separate pool of query-only connections; in WAL mode
// they never wait for the writer. Both pools get their PRAGMAs from the DSN,
// so every connection, including ones the pool opens later, is configured.
//
// Durability: every connection runs with synchronous=NORMAL, and a write
// method waits after its commit, outside the writer connection, for an
// fsync of the WAL that covers it and is shared with the commits around
// it, so it is durable when it returns, as store.Store promises; the job
// queue's step commits (claim, finish, release) do not wait: a step lost
// on power loss is redone. A failed fsync poisons the store until it is
// opened again (durability.go, walsync.go).
//
// Schema: numbered, embedded migrations (migrations/NNNN_name.sql); each
// step and its row in schema_migrations commit in one transaction. A file
// written by a newer Docsift is refused with an error wrapping
// store.ErrTooNew. Times are INTEGER Unix microseconds (UTC). Case-
// insensitive names are compared through store.FoldKey, stored in *_key
// columns. Extracted text lives in its own table, so that document rows
// stay small.
//
// Speed at 100,000 documents: every sort order has an index ending in the
// id, so a page, first or deep (keyset cursor), is an index range scan.
// Counting a large library's rows on every page costs more than the
// listing target allows in pure-Go SQLite (figures:
// docs/benchmarks-history.md, "Figures behind choices in the code"), so
// the common totals (per user by status and filed/unfiled, per folder, per
// topic) are kept by triggers in the same transaction as each change; other
// filters are counted. A topic filter picks one of two query shapes from
// the topic's size (see listQuery.from). The driver does not run ANALYZE:
// the queries are written so that the plans do not depend on statistics.
//
// Jobs (store.JobQueue) live in the jobs table. A claim is one write
// transaction on the single writer connection, so two claims never see the
// same job; a partial index on "claimable at" (run_at of a queued job,
// lease_until of a running one) makes a claim a range scan however many
// finished jobs the table keeps.
//
// Search (store.Searcher) is FTS5 (0003_search.sql): a table indexing each
// document's name, text and topic names, kept in step by triggers in the
// same transaction as every change, so it cannot drift from the data, and
// a small search_rows table that keys it and mirrors the filtered columns.
// Terms are always FTS5 strings, never query syntax (ftsquery.go).
// Relevance ranks every match by bm25; totals past 10,000 are estimated,
// so that counting a word found in every document stays fast; see
// searchTuning.
//
// This package must not know about object storage, extraction or the UI; it
// stores only what the store package describes.
package sqlite
