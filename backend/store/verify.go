package store

import "context"

// SearchIndexReport is what SearchIndexCheck found for one user. Every list
// holds document ids, in no particular order.
type SearchIndexReport struct {
	// Checked counts the user's documents compared with their index entry.
	Checked int `json:"checked"`
	// Missing: documents with no index entry (or only half of one).
	Missing []string `json:"missing"`
	// Stale: documents whose index entry disagrees with the row (name,
	// text, topics, or the mirrored owner, folder, status, type, date).
	Stale []string `json:"stale"`
	// Extra: index entries of the user whose document no longer exists.
	Extra []string `json:"extra"`
	// Unowned counts index entries tied to no document at all (a SQLite
	// full-text row without its key row); RebuildSearchIndex removes them.
	Unowned int `json:"unowned"`
}

// Clean reports whether the index agrees with the database.
func (r SearchIndexReport) Clean() bool {
	return len(r.Missing) == 0 && len(r.Stale) == 0 && len(r.Extra) == 0 && r.Unowned == 0
}

// Verifier is what `docsift verify` asks of the store beyond the listings:
// whether the full-text index agrees with the rows it mirrors, how to
// rewrite the entries that do not, and which documents no job is working
// on. The triggers keep the index in step in normal operation; these exist
// for a database someone edited by hand, a restored backup, or a bug.
type Verifier interface {
	// SearchIndexCheck compares the index entries of userID's documents
	// with the documents, in one snapshot. It reads every entry once, so
	// its cost grows with the library (and the length of its texts), not
	// with the number of problems.
	SearchIndexCheck(ctx context.Context, userID string) (SearchIndexReport, error)
	// RebuildSearchIndex rewrites, in one transaction, the index entries
	// of the given documents of userID from their rows, removes the
	// entries of ids that have no document, and removes unowned entries.
	// Ids of another user's documents are left alone.
	RebuildSearchIndex(ctx context.Context, userID string, ids []string) error
	// StuckDocuments lists userID's documents that are in a processing
	// status (stored, extracting, classifying) with no queued or running
	// job: nothing will ever move them on. Oldest first.
	StuckDocuments(ctx context.Context, userID string) ([]string, error)
}
