package sqlite

import (
	"context"
	"database/sql"
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
// the index does (internal/fts). Each term's documents are counted in the
// index with a MATCH of the term as written in the document (so FTS5
// stems it to the same index term), up to store.SimilarMaxDF + 1 of them
// (past that the term is too common to pick; Store.common remembers it);
// then the picked terms' documents are read. Counting every document of
// a term (fts5vocab) would read whole posting lists, which for the
// commonest words of a large library cost far more than the rest (~190
// ms a document at 100,000 documents).
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
		terms := documentTerms(name, body, topics)
		stats, err := s.termStats(ctx, tx, terms, store.SimilarMaxDF(docs), docs)
		if err != nil {
			return err
		}
		picked := store.PickSimilarTerms(stats, docs)
		cands, err := similarCandidates(ctx, tx, picked, terms, seq)
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

// docTerm is one index term of a document: how often it occurs and one
// token that FTS5 stems to it.
type docTerm struct {
	tf    int
	token string
}

// documentTerms returns the index terms of a document's columns by stem:
// each word of the name counts store.SimilarNameWeight times, one of the
// text (its first similarScan bytes) or of a topic's name once.
func documentTerms(name, body, topics string) map[string]docTerm {
	terms := make(map[string]docTerm)
	add := func(text string, weight int) {
		for _, t := range fts.Tokens(text) {
			stem := fts.Stem(t.Term)
			dt := terms[stem]
			dt.tf += weight
			if dt.token == "" {
				dt.token = t.Term
			}
			terms[stem] = dt
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
	return terms
}

// termStats counts the documents of each term, up to maxDF + 1, with one
// prepared statement; a term known to be more common is not counted.
func (s *Store) termStats(ctx context.Context, tx *sql.Tx, terms map[string]docTerm, maxDF, docs int) ([]store.TermStat, error) {
	s.common.check(maxDF, docs)
	stmt, err := tx.PrepareContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	stats := make([]store.TermStat, 0, len(terms))
	var common []string
	for stem, t := range terms {
		st := store.TermStat{Term: stem, TF: t.tf, DF: maxDF + 1}
		if !s.common.has(stem) {
			if err := stmt.QueryRowContext(ctx, ftsString(t.token), maxDF+1).Scan(&st.DF); err != nil {
				return nil, err
			}
			if st.DF > maxDF {
				common = append(common, stem)
			}
		}
		stats = append(stats, st)
	}
	s.common.add(maxDF, common)
	return stats, nil
}

// similarCandidates reads the documents of each picked term and sums, per
// document other than self, the weights of the terms it holds.
func similarCandidates(ctx context.Context, tx *sql.Tx, picked []store.WeightedTerm, terms map[string]docTerm, self int64) ([]store.SimilarCandidate, error) {
	score := make(map[int64]float64)
	for _, t := range picked {
		rows, err := tx.QueryContext(ctx, `SELECT rowid FROM search WHERE search MATCH ?`, ftsString(terms[t.Term].token))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			if k != self {
				score[k] += t.Weight
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
