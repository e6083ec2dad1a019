package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite/internal/fts"
)

// highlightSQL is the text column (1) with FTS5 marking the matched
// tokens. Its arguments are HighlightStart and HighlightEnd.
const highlightSQL = `highlight(search, 1, ?, ?)`

// load returns the hits with the given keys, in order: each document with
// its topics, rank and snippet. ranks, when not nil, are the hits' ranks
// already computed.
//
// Snippets are marked here, by internal/fts, which tokenizes, folds and
// stems exactly as the index does (its tests hold it to FTS5's own
// highlight()): FTS5 would re-evaluate the query over the whole range of
// the page's keys to find the page's rows, and at 100,000 documents
// that and highlight() were a large part of a search's time (figures:
// docs/benchmarks-history.md, "Figures behind choices in the code").
func (sq searchQuery) load(ctx context.Context, tx *sql.Tx, keys []int64, ranks []float64) ([]store.SearchHit, error) {
	hits := make([]store.SearchHit, len(keys))
	if len(keys) == 0 {
		return hits, nil
	}
	index := make(map[int64]int, len(keys))
	for i, k := range keys {
		index[k] = i
	}
	list := jsonInts(keys)
	if ranks == nil && sq.match == "" {
		ranks = make([]float64, len(keys)) // listed, not ranked
	}
	if ranks == nil {
		var err error
		if ranks, err = sq.rankKeys(ctx, tx, keys, list, index); err != nil {
			return nil, err
		}
	}
	for i := range hits {
		hits[i].Rank = ranks[i]
	}
	if err := sq.snippets(ctx, tx, hits, list, index); err != nil {
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

// rankKeys computes the ranks of the given keys (in order). The keys come
// from one FTS5 cursor over their range, not a cursor each: each would
// parse the query and compute bm25's statistics again. The unary + keeps
// the IN list from being handed to FTS5 as rowid lookups, which would be a
// cursor per key.
func (sq searchQuery) rankKeys(ctx context.Context, tx *sql.Tx, keys []int64, list string, index map[int64]int) ([]float64, error) {
	ranks := make([]float64, len(keys))
	rows, err := tx.QueryContext(ctx, `SELECT rowid, -`+bm25SQL+` FROM search
		WHERE search MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))`,
		sq.rankMatch, slices.Min(keys), slices.Max(keys), list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key  int64
			rank float64
		)
		if err := rows.Scan(&key, &rank); err != nil {
			return nil, err
		}
		ranks[index[key]] = rank
	}
	return ranks, rows.Err()
}

// snippets sets the hits' snippets: each text, read by key, is marked with
// the query's phrases and cut by excerpt. A text that is not valid UTF-8
// (where SQLite's decoder and Go's disagree) is marked by FTS5 instead.
func (sq searchQuery) snippets(ctx context.Context, tx *sql.Tx, hits []store.SearchHit, list string, index map[int64]int) error {
	phrases := highlightPhrases(sq.q, sq.exp)
	h := fts.NewHighlighter(phrases, store.HighlightStart, store.HighlightEnd)
	rows, err := tx.QueryContext(ctx, `SELECT rowid, body FROM search WHERE rowid IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return err
	}
	var engine []int64
	for rows.Next() {
		var (
			key  int64
			body string
		)
		if err := rows.Scan(&key, &body); err != nil {
			rows.Close()
			return err
		}
		if len(phrases) == 0 { // nothing to mark: the start of the text
			hits[index[key]].Snippet = excerpt(strings.ToValidUTF8(body, "\uFFFD"))
			continue
		}
		marked, ok := markText(h, body)
		if !ok {
			engine = append(engine, key)
			continue
		}
		hits[index[key]].Snippet = excerpt(marked)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, key := range engine {
		var marked string
		err := tx.QueryRowContext(ctx, `SELECT `+highlightSQL+` FROM search WHERE search MATCH ? AND rowid = ?`,
			store.HighlightStart, store.HighlightEnd, sq.match, key).Scan(&marked)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		hits[index[key]].Snippet = excerpt(marked)
	}
	return nil
}

// snippetScan is how much of a long text is marked for its snippet when
// that much holds a match: marking reads every byte, and an extracted
// text may have 8 MiB (the cost of long texts: docs/benchmarks-history.md,
// "Issue 3, 2026-12-01, second session"). snippetTail is how much of the
// text after it goes with it, unmarked, so that a snippet near the cut
// ends as it would in the whole text.
const (
	snippetScan = 64 << 10
	snippetTail = 4 << 10
)

// markText marks the query's phrases in a hit's text for excerpt: its
// first snippetScan bytes (cut between tokens) when they hold a match, or
// else all of it. ok is false as for Highlighter.Mark.
func markText(h *fts.Highlighter, text string) (string, bool) {
	if len(text) > snippetScan {
		if cut := fts.Cut(text, snippetScan); cut > 0 {
			if head, ok := h.Mark(text[:cut]); ok && strings.Contains(head, store.HighlightStart) {
				end := min(len(text), cut+snippetTail)
				for end < len(text) && !utf8.RuneStart(text[end]) {
					end--
				}
				return head + text[cut:end], true
			}
		}
	}
	return h.Mark(text)
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
