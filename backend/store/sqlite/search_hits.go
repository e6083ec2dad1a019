package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"github.com/docsift/docsift/backend/store"
)

// highlightSQL is the text column (1) with FTS5 marking the matched
// tokens; excerpt cuts the snippet out of it. Its arguments are
// HighlightStart and HighlightEnd.
const highlightSQL = `highlight(search, 1, ?, ?)`

// load returns the hits with the given keys, in order: each document with
// its topics, rank and snippet. ranks, when not nil, are the hits' ranks
// already computed.
//
// Snippets (and ranks) come from one FTS5 cursor over the range of the
// keys: a cursor per hit would parse the query, and compute bm25's
// statistics, once per hit; and the text is highlighted for the page's
// rows alone. The unary + keeps the IN list from being handed to FTS5 as rowid
// lookups, which would be a cursor per hit again.
func (sq searchQuery) load(ctx context.Context, tx *sql.Tx, keys []int64, ranks []float64) ([]store.SearchHit, error) {
	hits := make([]store.SearchHit, len(keys))
	if len(keys) == 0 {
		return hits, nil
	}
	index := make(map[int64]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	rank := "-" + bm25SQL
	if ranks != nil {
		rank = "0" // known: bm25's statistics would cost a pass over every match
	}
	list := jsonInts(keys)
	rows, err := tx.QueryContext(ctx, `SELECT rowid, `+rank+`, `+highlightSQL+` FROM search
		WHERE search MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
		store.HighlightStart, store.HighlightEnd,
		sq.match, slices.Min(keys), slices.Max(keys), list)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			key    int64
			h      store.SearchHit
			marked string
		)
		if err := rows.Scan(&key, &h.Rank, &marked); err != nil {
			rows.Close()
			return nil, err
		}
		h.Snippet = excerpt(marked)
		if ranks != nil {
			h.Rank = ranks[index[key]]
		}
		hits[index[key]] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	docs, err := tx.QueryContext(ctx, `SELECT sr.seq, `+docColumns+`
		FROM json_each(?) j
			CROSS JOIN search_rows sr ON sr.seq = j.value
			CROSS JOIN documents d ON d.id = sr.document_id`, list)
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	for docs.Next() {
		var key int64
		sc := scanFunc(func(dest ...any) error { return docs.Scan(append([]any{&key}, dest...)...) })
		d, _, err := scanDocument(sc, false)
		if err != nil {
			return nil, err
		}
		hits[index[key]].Document = d
	}
	if err := docs.Err(); err != nil {
		return nil, err
	}
	ds := make([]store.Document, len(hits))
	for i := range hits {
		ds[i] = hits[i].Document
	}
	if err := attachTopics(ctx, tx, ds); err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Document.Topics = ds[i].Topics
	}
	return hits, nil
}

// jsonInts encodes keys as a JSON array for json_each.
func jsonInts(keys []int64) string {
	b, _ := json.Marshal(keys) // []int64 always marshals
	return string(b)
}

// scanFunc adapts a function to rowScanner.
type scanFunc func(dest ...any) error

// Scan calls f.
func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
