package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

const (
	// similarExactUpTo: in a library of up to this many documents the
	// document frequency of every term of a document is counted exactly
	// (ts_stat reads every vector, a few milliseconds at this size).
	// Above it the frequencies come from the planner's statistics of the
	// search column (see similarStats).
	similarExactUpTo = 5_000
	// similarMaxTerms is how many of a document's terms, the most
	// frequent in it first, are looked up at all: a book's vector may
	// hold tens of thousands.
	similarMaxTerms = 2_000
	// similarGuessedTerms is how many of the terms whose frequencies are
	// estimates dropLoners checks: a term absent from the statistics may
	// be in this document only and find nothing.
	similarGuessedTerms = 3 * store.SimilarTermCount
)

// Similar returns the documents most like documentID (see
// store.Searcher). The document's terms are the lexemes of its search
// vector, each counted by its positions (a filename position counts
// store.SimilarNameWeight times); the documents holding each picked
// lexeme come from the GIN index, one lookup per lexeme, and are scored
// in the same statement.
func (s *Store) Similar(ctx context.Context, userID, documentID string, limit int) ([]store.SearchHit, error) {
	const op = "similar"
	id, ok := parseID(documentID)
	user, userOK := parseID(userID)
	if !ok || !userOK {
		return nil, notFound(op)
	}
	if limit <= 0 {
		limit = store.SimilarLimit
	}
	limit = min(limit, 1000)
	hits := []store.SearchHit{}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			// As Search: JIT compiling costs more than these queries run.
			if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
				return err
			}
			var owner string
			if err := tx.QueryRow(ctx, `SELECT user_id FROM document_search WHERE document_id = $1`, id).Scan(&owner); err != nil {
				return err
			}
			if owner != user {
				return store.ErrNotFound
			}
			tf, err := documentLexemes(ctx, tx, id)
			if err != nil {
				return err
			}
			stats, docs, guessed, err := s.similarStats(ctx, tx, tf)
			if err != nil {
				return err
			}
			if len(guessed) > 0 {
				if err := dropLoners(ctx, tx, stats, docs, guessed); err != nil {
					return err
				}
			}
			terms := store.PickSimilarTerms(stats, docs)
			if len(terms) == 0 {
				return nil
			}
			var docsOut []store.Document
			if err := similarPage(ctx, tx, terms, user, id, limit, &hits, &docsOut); err != nil {
				return err
			}
			if err := loadTopics(ctx, tx, docsOut); err != nil {
				return err
			}
			for i := range docsOut {
				hits[i].Document = docsOut[i]
			}
			return nil
		})
	if err != nil {
		return nil, wrap(op, err)
	}
	return hits, nil
}

// documentLexemes returns the lexemes of a document's search vector with
// their counts: positions, those of the filename (weight A) counted
// store.SimilarNameWeight times.
func documentLexemes(ctx context.Context, tx pgx.Tx, id string) (map[string]int, error) {
	rows, err := tx.Query(ctx, `SELECT u.lexeme,
			greatest(coalesce(cardinality(u.positions), 0), 1)
			+ $2 * (SELECT count(*) FROM unnest(u.weights) w WHERE w = 'A')
		FROM document_search s, unnest(s.search) u
		WHERE s.document_id = $1
		ORDER BY 2 DESC, 1 LIMIT $3`, id, store.SimilarNameWeight-1, similarMaxTerms)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tf := make(map[string]int)
	for rows.Next() {
		var (
			lexeme string
			n      int
		)
		if err := rows.Scan(&lexeme, &n); err != nil {
			return nil, err
		}
		tf[lexeme] = n
	}
	return tf, rows.Err()
}

// similarStats returns the document frequency of each lexeme of tf and
// the number of documents in the library. In a small library they are
// exact (ts_stat). In a larger one they are the planner's statistics of
// the search column (ANALYZE's most common lexemes and their shares; see
// lexemeStats): a lexeme that is not among them is rarer than the least
// common that is, and is in guessed: its frequency is an estimate below
// that.
func (s *Store) similarStats(ctx context.Context, tx pgx.Tx, tf map[string]int) (stats []store.TermStat, docs int, guessed map[string]bool, err error) {
	if len(tf) == 0 {
		return nil, 0, nil, nil
	}
	lexemes := make([]string, 0, len(tf))
	for l := range tf {
		lexemes = append(lexemes, l)
	}
	var estimate float64
	if err := tx.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'document_search'::regclass`).Scan(&estimate); err != nil {
		return nil, 0, nil, err
	}
	if estimate <= s.similarExactUpTo {
		return exactStats(ctx, tx, tf, lexemes)
	}
	shares, minShare, ok, err := s.stats.snapshot(ctx, tx)
	if err != nil {
		return nil, 0, nil, err
	}
	if !ok {
		return exactStats(ctx, tx, tf, lexemes) // never analyzed: count
	}
	docs = int(estimate)
	// A lexeme outside the statistics is in fewer documents than the
	// least common one in them: half that, within what may be picked.
	rare := min(max(2, int(minShare*float64(docs)/2)), store.SimilarMaxDF(docs))
	guessed = make(map[string]bool)
	for _, l := range lexemes {
		df := rare
		if share, ok := shares[l]; ok {
			df = max(2, int(share*float64(docs)))
		} else {
			guessed[l] = true
		}
		stats = append(stats, store.TermStat{Term: l, TF: tf[l], DF: df})
	}
	return stats, docs, guessed, nil
}

// dropLoners checks the terms whose frequencies are estimates (guessed;
// those store.PickSimilarTerms would pick first, up to
// similarGuessedTerms) for a second document, reading at most two rows
// each, and marks the other guessed ones as in this document alone
// (DF 1), so that they are not picked.
func dropLoners(ctx context.Context, tx pgx.Tx, stats []store.TermStat, docs int, guessed map[string]bool) error {
	var only []store.TermStat
	for _, st := range stats {
		if guessed[st.Term] {
			only = append(only, st)
		}
	}
	var lexemes, queries []string
	ranked := store.RankSimilarTerms(only, docs)
	for _, t := range ranked[:min(len(ranked), similarGuessedTerms)] {
		lexemes, queries = append(lexemes, t.Term), append(queries, lexemeQuery(t.Term))
	}
	rows, err := tx.Query(ctx, `SELECT t.l FROM unnest($1::text[], $2::text[]::tsquery[]) AS t(l, q)
		WHERE (SELECT count(*) FROM (SELECT 1 FROM document_search s WHERE s.search @@ t.q LIMIT 2) x) = 2`,
		lexemes, queries)
	if err != nil {
		return err
	}
	defer rows.Close()
	shared := make(map[string]bool, len(lexemes))
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return err
		}
		shared[l] = true
	}
	for i := range stats {
		if guessed[stats[i].Term] && !shared[stats[i].Term] {
			stats[i].DF = 1
		}
	}
	return rows.Err()
}

// exactStats counts the documents that hold each lexeme, reading every
// vector of the library.
func exactStats(ctx context.Context, tx pgx.Tx, tf map[string]int, lexemes []string) ([]store.TermStat, int, map[string]bool, error) {
	var docs int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM document_search`).Scan(&docs); err != nil {
		return nil, 0, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT word, ndoc FROM ts_stat('SELECT search FROM document_search')
		WHERE word = ANY($1::text[])`, lexemes)
	if err != nil {
		return nil, 0, nil, err
	}
	defer rows.Close()
	var stats []store.TermStat
	for rows.Next() {
		var st store.TermStat
		if err := rows.Scan(&st.Term, &st.DF); err != nil {
			return nil, 0, nil, err
		}
		st.TF = tf[st.Term]
		stats = append(stats, st)
	}
	return stats, docs, nil, rows.Err()
}

// similarPage scores the user's documents that hold any of terms (the
// sum of the weights of those they hold), without the document itself,
// and reads the best limit of them with a snippet from the start of
// their text.
func similarPage(ctx context.Context, tx pgx.Tx, terms []store.WeightedTerm, user, self string, limit int,
	hits *[]store.SearchHit, docs *[]store.Document) error {
	queries := make([]string, len(terms))
	weights := make([]float64, len(terms))
	for i, t := range terms {
		queries[i], weights[i] = lexemeQuery(t.Term), t.Weight
	}
	snippet := "ts_headline('" + tsConfig + "', left(d.extracted_text, 800), $$' '$$::tsquery, " + quoteLiteral(headlineOptions) + ")"
	rows, err := tx.Query(ctx, `SELECT `+documentColumns+`, h.score, `+snippet+`
		FROM (SELECT m.document_id, sum(t.w) AS score, max(m.created_at) AS created_at
			FROM unnest($1::text[]::tsquery[], $2::float8[]) AS t(q, w)
			CROSS JOIN LATERAL (SELECT s.document_id, s.created_at FROM document_search s
				WHERE s.search @@ t.q AND s.user_id = $3 AND s.document_id <> $4) m
			GROUP BY m.document_id
			ORDER BY score DESC, created_at DESC, m.document_id DESC
			LIMIT $5) h
		JOIN documents d ON d.id = h.document_id
		ORDER BY h.score DESC, d.created_at DESC, d.id DESC`,
		queries, weights, user, self, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			score   float64
			snippet string
		)
		d, err := scanDocument(rows, false, &score, &snippet)
		if err != nil {
			return err
		}
		*docs = append(*docs, d)
		*hits = append(*hits, store.SearchHit{Snippet: snippet, Rank: score})
	}
	return rows.Err()
}

// lexemeQuery is the tsquery of one lexeme, as is (not parsed or
// stemmed again): quoted, with quotes and backslashes escaped.
func lexemeQuery(lexeme string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(lexeme) + "'"
}
