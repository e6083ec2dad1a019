package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is a full-text searcher too.
var _ store.Searcher = (*Store)(nil)

const (
	// tsConfig is the text search configuration of migration 0003.
	tsConfig = "docsift"
	// rankWeights weight matches in the text (D), — (C), topic names (B)
	// and the filename (A). With ts_rank, whose per-term score saturates as
	// a word repeats, a filename match outranks any number of text
	// matches, and a topic match any number of text matches.
	rankWeights = "'{0.1, 0.2, 0.4, 1.0}'::real[]"
	// rankNormalization 1 divides a rank by 1 + the logarithm of the
	// document's length, so that a word said once in a long text weighs
	// less than once in a short one.
	rankNormalization = "1"
	// exactLimit: a query the planner expects to match at most this many
	// documents is counted exactly with its page; above it the total is
	// counted up to the limit, or the planner's estimate.
	exactLimit = 10_000
	// headlineOptions make one snippet of about 15 to 35 words with the
	// matches wrapped in store.HighlightStart / HighlightEnd.
	headlineOptions = "StartSel=" + store.HighlightStart + ", StopSel=" + store.HighlightEnd +
		", MaxFragments=1, MinWords=15, MaxWords=35"
)

// Search runs a full-text query over the user's documents' filenames,
// topic names and extracted text. Hits come by relevance (ts_rank with
// rankWeights and rankNormalization over every match; ties newest first) or, with ByDate, in q.Filter.Sort order;
// each carries a snippet. A query with no text to match (filters only,
// or only excluded words) lists the matching documents in q.Filter.Sort
// order, with Rank 0 and the start of the text as the snippet.
//
// Relevance ranks every match, however many: the order is exact. The
// count is bounded by what the planner expects the query to match (its
// estimate from the index statistics, read before running it):
//
//   - up to exactLimit matches: every match is counted with the page, so
//     Total is exact;
//   - more (a word in a large share of the library): Total is the
//     estimate (TotalIsEstimate; counted when the estimate is near the
//     limit, so that a total up to exactLimit is always exact), and date
//     order reads only the page's rows.
//
// Snippets are made for the page's rows only (ts_headline parses the text),
// from a window of the text around the first match.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchPage, error) {
	const op = "search"
	page := store.SearchPage{Hits: []store.SearchHit{}}
	f := q.Filter
	if f.UserID == "" {
		return page, fmt.Errorf("postgres: %s: no user id: a search is always one user's", op)
	}
	sort, limit, err := checkFilter(f)
	if err != nil {
		return page, fmt.Errorf("postgres: %s: %w", op, err)
	}
	offset := max(f.Offset, 0)

	plan, ok, err := planSearch(q, sort)
	if err != nil {
		return page, fmt.Errorf("postgres: %s: %w", op, err)
	}
	if !ok {
		return page, nil // an id that is no UUID, or no word to look for
	}
	// A query without text to match lists the filtered documents.
	byDate := q.ByDate || plan.tq.shape != store.ShapeMatch

	var docs []store.Document
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var expected float64
			batch := &pgx.Batch{}
			// Plan every search for its own words: a generic plan cannot
			// tell a rare word from a common one. JIT compiling costs more
			// than these queries run.
			batch.Queue("SET LOCAL plan_cache_mode = force_custom_plan")
			batch.Queue("SET LOCAL jit = off")
			batch.Queue("EXPLAIN (FORMAT JSON) SELECT 1 FROM "+plan.from+" WHERE "+strings.Join(plan.where, " AND "),
				plan.args...).QueryRow(func(row pgx.Row) error { return scanPlanRows(row, &expected) })
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return fmt.Errorf("estimate matches: %w", err)
			}

			exact := expected <= exactLimit
			total, err := s.searchPage(ctx, tx, plan, byDate, exact, limit, offset, &page, &docs)
			if err != nil {
				return err
			}
			switch {
			case exact && total >= 0:
				page.Total = total
			case exact: // no row to carry the count: a page past the end
				n, err := countMatches(ctx, tx, plan)
				if err != nil {
					return err
				}
				page.Total = n
			case len(page.Hits) > 0 && len(page.Hits) < limit:
				// A short page is the last one: the matches end on it.
				page.Total = offset + len(page.Hits)
			case expected <= 2*exactLimit || plan.tq.shape != store.ShapeMatch || plan.tq.weighted:
				// Near the limit an estimate may be on the wrong side of
				// it: count, up to the limit. Without a text query the
				// planner's estimate comes from generic selectivities
				// (starts_with, NOT …), and with name: or text: it counts
				// the word in any field: too rough to show, count too.
				n, err := countMatches(ctx, tx, plan)
				if err != nil {
					return err
				}
				page.Total = n
				if n > exactLimit {
					page.Total, page.TotalIsEstimate = max(int(math.Round(expected)), n), true
				}
			default:
				page.Total, page.TotalIsEstimate = int(math.Round(expected)), true
			}
			return loadTopics(ctx, tx, docs)
		})
	if err != nil {
		return store.SearchPage{Hits: []store.SearchHit{}}, wrap(op, err)
	}
	for i := range docs {
		page.Hits[i].Document = docs[i]
	}
	return page, nil
}

// searchPage reads one page of hits into page and docs. With counted it
// also returns the number of matches (-1 when no row came back to carry
// it).
func (s *Store) searchPage(ctx context.Context, tx pgx.Tx, plan searchPlan, byDate, counted bool,
	limit, offset int, page *store.SearchPage, docs *[]store.Document) (int, error) {
	total := -1
	rows, err := tx.Query(ctx, plan.pageSQL(plan.where, byDate, counted, limit, offset), plan.args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rank    float32
			snippet string
			n       int64
		)
		dest := []any{&rank, &snippet}
		if counted {
			dest = append(dest, &n)
		}
		d, err := scanDocument(rows, false, dest...)
		if err != nil {
			return 0, err
		}
		total = int(n)
		*docs = append(*docs, d)
		page.Hits = append(page.Hits, store.SearchHit{Snippet: snippet, Rank: float64(rank)})
	}
	return total, rows.Err()
}

// countMatches counts the matches of plan, up to exactLimit+1.
func countMatches(ctx context.Context, tx pgx.Tx, plan searchPlan) (int, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+plan.from+" WHERE "+
		strings.Join(plan.where, " AND ")+" LIMIT "+strconv.Itoa(exactLimit+1)+") c", plan.args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	return n, nil
}

// scanPlanRows reads the row estimate of the top node of an EXPLAIN
// (FORMAT JSON).
func scanPlanRows(row pgx.Row, rows *float64) error {
	var raw []byte
	if err := row.Scan(&raw); err != nil {
		return err
	}
	var plans []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &plans); err != nil || len(plans) == 0 {
		return fmt.Errorf("unexpected EXPLAIN output")
	}
	*rows = plans[0].Plan.Rows
	return nil
}
