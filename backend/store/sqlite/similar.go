package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite/internal/fts"
)

// similarScan is how much of a document's text its terms are read from:
// an extracted text may have 8 MiB, and the first quarter MiB says what
// a document is about as well as the rest.
const similarScan = 256 << 10

// Similar returns the documents most like documentID (see
// store.Searcher). The document's terms are tokenized and stemmed here as
// the index does (internal/fts); their document frequencies come from the
// index's vocabulary (search_terms, 0008_similar.sql), and the documents
// holding each picked term from its postings (search_postings), so no
// query text is stemmed twice.
func (s *Store) Similar(ctx context.Context, userID, documentID string, limit int) ([]store.SearchHit, error) {
	if limit <= 0 {
		limit = store.SimilarLimit
	}
	limit = min(limit, maxLimit)
	var hits []store.SearchHit
	err := s.read(ctx, func(tx *sql.Tx) error {
		var (
			seq               int64
			owner, name, body string
			topics            string
			docs, others      int
		)
		err := tx.QueryRowContext(ctx, `SELECT sr.seq, sr.user_id, s.name, s.body, s.topics
			FROM search_rows sr JOIN search s ON s.rowid = sr.seq WHERE sr.document_id = ?`,
			documentID).Scan(&seq, &owner, &name, &body, &topics)
		if err != nil {
			return notFound(err, "document", documentID)
		}
		if owner != userID {
			return fmt.Errorf("document %q: %w", documentID, store.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE user_id <> ?), 0)
			FROM document_tally`, userID).Scan(&docs, &others); err != nil {
			return err
		}
		stats, err := termStats(ctx, tx, documentTerms(name, body, topics))
		if err != nil {
			return err
		}
		cands, err := similarCandidates(ctx, tx, store.PickSimilarTerms(stats, docs), seq)
		if err != nil {
			return err
		}
		if others > 0 {
			if cands, err = usersOnly(ctx, tx, cands, userID); err != nil {
				return err
			}
		}
		store.RankSimilar(cands)
		cands = cands[:min(len(cands), limit)]
		keys, ranks := make([]int64, len(cands)), make([]float64, len(cands))
		for i, c := range cands {
			keys[i], ranks[i] = c.Key, c.Score
		}
		hits, err = searchQuery{}.load(ctx, tx, keys, ranks)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: similar: %w", err)
	}
	return hits, nil
}

// documentTerms counts the index terms of a document's columns: each
// word of the name counts store.SimilarNameWeight times, one of the
// text (its first similarScan bytes) or of a topic's name once.
func documentTerms(name, body, topics string) map[string]int {
	tf := make(map[string]int)
	add := func(text string, weight int) {
		for _, t := range fts.Tokens(text) {
			tf[fts.Stem(t.Term)] += weight
		}
	}
	if len(body) > similarScan {
		if cut := fts.Cut(body, similarScan); cut > 0 {
			body = body[:cut]
		}
	}
	add(name, store.SimilarNameWeight)
	add(body, 1)
	add(topics, 1)
	return tf
}

// termStats looks up the document frequency of each term in the index's
// vocabulary, in one statement.
func termStats(ctx context.Context, tx *sql.Tx, tf map[string]int) ([]store.TermStat, error) {
	if len(tf) == 0 {
		return nil, nil
	}
	terms := make([]string, 0, len(tf))
	for t := range tf {
		terms = append(terms, t)
	}
	list, _ := json.Marshal(terms) // []string always marshals
	rows, err := tx.QueryContext(ctx, `SELECT term, doc FROM search_terms
		WHERE term IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stats := make([]store.TermStat, 0, len(tf))
	for rows.Next() {
		var st store.TermStat
		if err := rows.Scan(&st.Term, &st.DF); err != nil {
			return nil, err
		}
		st.TF = tf[st.Term]
		stats = append(stats, st)
	}
	return stats, rows.Err()
}

// similarCandidates reads the postings of each picked term and sums, per
// document other than self, the weights of the terms it holds.
func similarCandidates(ctx context.Context, tx *sql.Tx, terms []store.WeightedTerm, self int64) ([]store.SimilarCandidate, error) {
	score := make(map[int64]float64)
	for _, t := range terms {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT doc FROM search_postings WHERE term = ?`, t.Term)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var key int64
			if err := rows.Scan(&key); err != nil {
				rows.Close()
				return nil, err
			}
			if key != self {
				score[key] += t.Weight
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	cands := make([]store.SimilarCandidate, 0, len(score))
	for k, sc := range score {
		cands = append(cands, store.SimilarCandidate{Key: k, Score: sc})
	}
	return cands, nil
}

// usersOnly keeps the candidates that are userID's documents.
func usersOnly(ctx context.Context, tx *sql.Tx, cands []store.SimilarCandidate, userID string) ([]store.SimilarCandidate, error) {
	if len(cands) == 0 {
		return cands, nil
	}
	keys := make([]int64, len(cands))
	for i, c := range cands {
		keys[i] = c.Key
	}
	rows, err := tx.QueryContext(ctx, `SELECT sr.seq FROM json_each(?) j
		CROSS JOIN search_rows sr ON sr.seq = j.value WHERE sr.user_id = ?`, jsonInts(keys), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	mine := make(map[int64]bool, len(cands))
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		mine[k] = true
	}
	out := cands[:0]
	for _, c := range cands {
		if mine[c.Key] {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}
