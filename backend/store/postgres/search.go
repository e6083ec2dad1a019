package postgres

import (
	"context"
	"encoding/json"
	"fmt"
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
	// rankWeights weight matches in the text (D), —  (C), topic names (B)
	// and the filename (A). With ts_rank, whose per-term score saturates as
	// a word repeats, a filename match outranks any number of text
	// matches, and a topic match any number of text matches.
	rankWeights = "'{0.1, 0.2, 0.4, 1.0}'::real[]"
	// exactTotalLimit: totals up to this are counted, larger ones estimated.
	exactTotalLimit = 10_000
	// headlineOptions make one snippet of about 15 to 35 words with the
	// matches wrapped in store.HighlightStart / HighlightEnd.
	headlineOptions = "StartSel=" + store.HighlightStart + ", StopSel=" + store.HighlightEnd +
		", MaxFragments=1, MinWords=15, MaxWords=35"
)

// searchPlan is one Search turned into SQL.
type searchPlan struct {
	args  []any
	tq    tsQuery
	from  string   // FROM clause of the matching rows (alias s, and d when joined)
	where []string // conditions on them
	// order sorts the matching rows (inner) and the joined page (outer).
	inner, outer string
}

// Search runs a full-text query over the user's documents' filenames,
// topic names and extracted text. Hits come by relevance (ts_rank with
// rankWeights; ties newest first) or, with ByDate, in q.Filter.Sort order;
// each carries a snippet. Total is exact up to 10,000 matches and an
// estimate above (TotalIsEstimate).
//
// Only the page's rows get a snippet (ts_headline parses the text, which is
// expensive), and in date order only they are ranked.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchPage, error) {
	const op = "search"
	page := store.SearchPage{Hits: []store.SearchHit{}}
	f := q.Filter
	if f.UserID == "" {
		return page, fmt.Errorf("postgres: %s: no user id: a search is always one user's", op)
	}
	sort := f.Sort
	if sort == "" {
		sort = store.SortNewest
	}
	if !sort.Valid() {
		return page, fmt.Errorf("postgres: %s: unknown sort %q", op, f.Sort)
	}
	if f.FolderID != nil && f.Unfiled {
		return page, fmt.Errorf("postgres: %s: FolderID and Unfiled exclude each other", op)
	}
	if f.Status != nil && !f.Status.Valid() {
		return page, fmt.Errorf("postgres: %s: unknown status %q", op, *f.Status)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	offset := max(f.Offset, 0)

	plan, ok, err := planSearch(q, sort)
	if err != nil {
		return page, fmt.Errorf("postgres: %s: %w", op, err)
	}
	if !ok {
		return page, nil // an id that is no UUID, or no word to look for
	}
	countSQL := "SELECT count(*) FROM (SELECT 1 FROM " + plan.from + " WHERE " +
		strings.Join(plan.where, " AND ") + " LIMIT " + strconv.Itoa(exactTotalLimit+1) + ") c"
	estimateSQL := "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + plan.from + " WHERE " + strings.Join(plan.where, " AND ")
	pageSQL := plan.pageSQL(q.ByDate, limit, offset)

	var docs []store.Document
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			batch := &pgx.Batch{}
			// Plan every search for its own words: a generic plan cannot
			// tell a rare word from a common one. JIT compiling costs more
			// than these queries run.
			batch.Queue("SET LOCAL plan_cache_mode = force_custom_plan")
			batch.Queue("SET LOCAL jit = off")
			batch.Queue(countSQL, plan.args...).QueryRow(func(row pgx.Row) error {
				return row.Scan(&page.Total)
			})
			batch.Queue(pageSQL, plan.args...).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var (
						rank    float32
						snippet string
					)
					d, err := scanDocument(rows, false, &rank, &snippet)
					if err != nil {
						return err
					}
					docs = append(docs, d)
					page.Hits = append(page.Hits, store.SearchHit{Snippet: snippet, Rank: float64(rank)})
				}
				return rows.Err()
			})
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return err
			}
			if page.Total > exactTotalLimit {
				est, err := estimateRows(ctx, tx, estimateSQL, plan.args)
				if err != nil {
					return err
				}
				page.Total, page.TotalIsEstimate = max(est, exactTotalLimit+1), true
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

// planSearch builds the SQL pieces of q. ok is false when nothing can
// match: a user, topic or folder id that is not a UUID, or no word.
func planSearch(q store.SearchQuery, sort store.Sort) (plan searchPlan, ok bool, err error) {
	f := q.Filter
	user, ok := parseID(f.UserID)
	if !ok {
		return plan, false, nil
	}
	plan.args = []any{user}
	arg := func(v any) string {
		plan.args = append(plan.args, v)
		return "$" + strconv.Itoa(len(plan.args))
	}
	tq, ok, err := buildTSQuery(q, arg)
	if err != nil || !ok {
		return plan, false, err
	}
	plan.tq = tq
	plan.where = []string{"s.user_id = $1", "s.search @@ " + tq.match}
	joinDocs := false
	if f.TopicID != nil {
		topic, ok := parseID(*f.TopicID)
		if !ok {
			return plan, false, nil
		}
		plan.where = append(plan.where, "EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = s.document_id AND dt.topic_id = "+arg(topic)+")")
	}
	if f.FolderID != nil {
		folder, ok := parseID(*f.FolderID)
		if !ok {
			return plan, false, nil
		}
		joinDocs = true
		plan.where = append(plan.where, "d.folder_id = "+arg(folder))
	}
	if f.Unfiled {
		joinDocs = true
		plan.where = append(plan.where, "d.folder_id IS NULL")
	}
	if f.Status != nil {
		joinDocs = true
		plan.where = append(plan.where, "d.status = "+arg(string(*f.Status)))
	}
	if q.ContentTypePrefix != "" {
		joinDocs = true
		plan.where = append(plan.where, "starts_with(d.content_type, "+arg(q.ContentTypePrefix)+")")
	}
	if q.After != nil {
		plan.where = append(plan.where, "s.created_at >= "+arg(q.After.UTC()))
	}
	if q.Before != nil {
		plan.where = append(plan.where, "s.created_at < "+arg(q.Before.UTC()))
	}

	if !q.ByDate {
		plan.inner = "rank DESC, s.created_at DESC, s.document_id DESC"
		plan.outer = "h.rank DESC, d.created_at DESC, d.id DESC"
	} else {
		switch sort {
		case store.SortOldest:
			plan.inner = "s.created_at ASC, s.document_id ASC"
			plan.outer = "d.created_at ASC, d.id ASC"
		case store.SortName:
			joinDocs = true
			plan.inner = "d.filename_key ASC, d.id ASC"
			plan.outer = "d.filename_key ASC, d.id ASC"
		case store.SortSize:
			joinDocs = true
			plan.inner = "d.size_bytes DESC, d.id DESC"
			plan.outer = "d.size_bytes DESC, d.id DESC"
		default: // newest
			plan.inner = "s.created_at DESC, s.document_id DESC"
			plan.outer = "d.created_at DESC, d.id DESC"
		}
	}
	plan.from = "document_search s"
	if joinDocs {
		plan.from += " JOIN documents d ON d.id = s.document_id"
	}
	return plan, true, nil
}

// pageSQL selects one page of hits: documentColumns, rank, snippet. The
// inner query picks the page's ids (ranking every match in relevance
// order); the outer one reads those documents and makes their snippets.
func (p searchPlan) pageSQL(byDate bool, limit, offset int) string {
	rank := "ts_rank(" + rankWeights + ", s.search, " + p.tq.match + ")"
	innerCols := "s.document_id"
	outerRank := "h.rank"
	outerJoin := " JOIN documents d ON d.id = h.document_id"
	if byDate {
		// Rank only the page's rows.
		outerRank = rank
		outerJoin += " JOIN document_search s ON s.document_id = h.document_id"
	} else {
		innerCols += ", " + rank + " AS rank"
	}
	snippet := "ts_headline('" + tsConfig + "', d.extracted_text, " + p.tq.highlight + ", " +
		quoteLiteral(headlineOptions) + ")"
	return "SELECT " + documentColumns + ", " + outerRank + ", " + snippet +
		" FROM (SELECT " + innerCols + " FROM " + p.from +
		" WHERE " + strings.Join(p.where, " AND ") +
		" ORDER BY " + p.inner +
		" LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset) + ") h" +
		outerJoin + " ORDER BY " + p.outer
}

// quoteLiteral quotes a constant of this package as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// estimateRows returns the planner's row estimate for sql: what a count
// above exactTotalLimit is reported as, instead of counting every match.
func estimateRows(ctx context.Context, tx pgx.Tx, sql string, args []any) (int, error) {
	var raw []byte
	if err := tx.QueryRow(ctx, sql, args...).Scan(&raw); err != nil {
		return 0, fmt.Errorf("estimate total: %w", err)
	}
	var plans []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal(raw, &plans); err != nil || len(plans) == 0 {
		return 0, fmt.Errorf("estimate total: unexpected EXPLAIN output")
	}
	return int(plans[0].Plan.Rows), nil
}
