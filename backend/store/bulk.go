package store

import (
	"context"
	"iter"
)

// BulkDocument is one document a BulkLoader loads: its row, with the
// extracted text in Document.ExtractedText, and the topics linked to it.
type BulkDocument struct {
	Document Document
	Links    []TopicLink
}

// BulkLoader loads many documents at once, in the driver's own dialect
// (COPY on PostgreSQL, batched prepared inserts on SQLite), for seeding a
// large library: the benchmarks' 100,000 documents, or a migration.
//
// What is loaded is exactly what CreateDocument and SetDocumentTopics would
// have written one by one: the same rows, the same search index entries,
// the same counts. Documents are loaded in transactions of a few thousand
// (each all or nothing); an error stops the load, and the documents of the
// transactions committed before it stay. No jobs are enqueued: the
// documents are loaded as they are (usually ready). A duplicate sha256 of
// the same user gives ErrConflict; a topic or folder that does not exist or
// is another user's gives ErrNotFound. The load is durable on return, and
// the driver leaves the database ready to query (statistics updated).
//
// Both drivers implement it; a caller asserts it on a Store.
type BulkLoader interface {
	LoadDocuments(ctx context.Context, docs iter.Seq[BulkDocument]) error
}

// BulkBatch is how many documents a BulkLoader commits per transaction.
const BulkBatch = 5_000
