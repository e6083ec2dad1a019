package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

var _ store.Searcher = (*Store)(nil)

// bm25SQL scores a hit: bm25 with the column weights of the rank
// configured in 0003_search.sql (name, body, topics). Smaller is better;
// Rank is its negation, so that larger is better.
const bm25SQL = `bm25(search, 10.0, 1.0, 5.0)`

// searchTuning holds the limits that shape a search's cost. Open sets
// defaultSearchTuning(); tests shrink them to reach every plan with a few
// documents. The measurements behind the defaults are in
// search_bench_test.go.
type searchTuning struct {
	// rankWindow is how many matches, newest first, relevance ranks. bm25
	// costs ~5 µs a hit here, so ranking all 100,000 hits of a word found
	// in every document takes 400-600 ms, far over the 30 ms target (FTS5's
	// own ORDER BY rank is slower still: it keeps every hit's position
	// lists for its sort). Ranking the newest 2,000 takes ~10 ms. The
	// trade-off: a query with more matches than this is ranked among its
	// newest matches only — the best older match of a very common word can
	// be missed, while queries with fewer matches are ranked exactly.
	rankWindow int
	// exactTotalUpTo is how far Total is counted exactly; above it, Total
	// is an estimate (see estimateTotal).
	exactTotalUpTo int
	// walkAbove is the number of matches above which a ByDate page walks
	// the documents in the page's order, keeping the matching ones, instead
	// of sorting every match: at that share of matches the walk fills a
	// page within a few thousand steps.
	walkAbove int
}

// defaultSearchTuning returns the tuning Open gives a store.
func defaultSearchTuning() searchTuning {
	return searchTuning{rankWindow: 2_000, exactTotalUpTo: 10_000, walkAbove: 2_000}
}

// searchQuery is a store.SearchQuery turned into SQL.
type searchQuery struct {
	tune  searchTuning
	list  listQuery // the validated filter, its paging and order
	q     store.SearchQuery
	match string // the FTS5 query
	// conds and args filter the hits by their search_rows row sr (and
	// the topic links); userOnly says the user is the only filter.
	conds    []string
	args     []any
	userOnly bool
}

// newSearchQuery validates q and builds its query; ok is false when q has
// nothing to search for.
func newSearchQuery(q store.SearchQuery, tune searchTuning) (sq searchQuery, ok bool, err error) {
	f := q.Filter
	f.Query, f.Cursor = "", ""
	list, err := newListQuery(f)
	if err != nil {
		return searchQuery{}, false, err
	}
	match, ok := matchExpr(q)
	if !ok {
		return searchQuery{}, false, nil
	}
	sq = searchQuery{tune: tune, list: list, q: q, match: match}
	add := func(cond string, args ...any) {
		sq.conds = append(sq.conds, cond)
		sq.args = append(sq.args, args...)
	}
	add("sr.user_id = ?", f.UserID)
	if f.FolderID != nil {
		add("sr.folder_id = ?", *f.FolderID)
	}
	if f.Unfiled {
		add("sr.folder_id IS NULL")
	}
	if f.Status != nil {
		add("sr.status = ?", string(*f.Status))
	}
	if q.ContentTypePrefix != "" {
		// substr, not LIKE: '%' and '_' in the prefix are just characters.
		add("substr(sr.content_type, 1, ?) = ?", len(q.ContentTypePrefix), q.ContentTypePrefix)
	}
	if q.After != nil {
		add("sr.created_at >= ?", q.After.UnixMicro())
	}
	if q.Before != nil {
		add("sr.created_at < ?", q.Before.UnixMicro())
	}
	if f.TopicID != nil {
		add("EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = sr.document_id AND dt.topic_id = ?)",
			*f.TopicID)
	}
	sq.userOnly = len(sq.conds) == 1
	return sq, true, nil
}

// from returns FROM … WHERE … of the matching rows (search.rowid is a
// hit's key, sr its search_rows row, d its document when withDoc) and its
// arguments. When every document is the user's and nothing else filters,
// FTS5 answers alone; otherwise each hit is checked in search_rows. CROSS
// JOIN keeps FTS5 the outer loop: it is what narrows most.
func (sq searchQuery) from(everyDocIsUsers, withDoc bool) (string, []any) {
	if everyDocIsUsers && sq.userOnly && !withDoc {
		return `search WHERE search MATCH ?`, []any{sq.match}
	}
	from := `search CROSS JOIN search_rows sr ON sr.seq = search.rowid`
	if withDoc {
		from += ` CROSS JOIN documents d ON d.id = sr.document_id`
	}
	return from + ` WHERE search MATCH ? AND ` + strings.Join(sq.conds, " AND "),
		append([]any{sq.match}, sq.args...)
}

// Search runs q over names, extracted text and topic names, from one
// snapshot. Hits come by relevance (larger Rank first; see searchTuning.rankWindow) or,
// with ByDate, in the order of q.Filter.Sort; each carries its topics, its
// rank and a snippet of its text. A query with nothing to search for
// finds nothing.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchPage, error) {
	sq, ok, err := newSearchQuery(q, s.tune)
	if err != nil {
		return store.SearchPage{}, fmt.Errorf("sqlite: search: %w", err)
	}
	page := store.SearchPage{Hits: []store.SearchHit{}}
	if !ok {
		return page, ctx.Err()
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM document_tally WHERE user_id <> ?`,
			q.Filter.UserID).Scan(&others); err != nil {
			return err
		}
		everyDocIsUsers := others == 0
		if page.Total, page.TotalIsEstimate, err = sq.count(ctx, tx, everyDocIsUsers); err != nil {
			return err
		}
		if page.Total <= sq.list.offset {
			return nil
		}
		var (
			keys  []int64
			ranks []float64 // nil: load scores the hits
		)
		if q.ByDate {
			keys, err = sq.datePage(ctx, tx, everyDocIsUsers, page.Total)
		} else {
			keys, ranks, err = sq.relevancePage(ctx, tx, everyDocIsUsers)
		}
		if err != nil {
			return err
		}
		page.Hits, err = sq.load(ctx, tx, keys, ranks)
		return err
	})
	if err != nil {
		return store.SearchPage{}, fmt.Errorf("sqlite: search: %w", err)
	}
	return page, nil
}

// count counts the hits newest first up to tune.exactTotalUpTo, exactly; past
// it, it estimates (see estimateTotal). Counting stops early, so a word in
// every document costs a tenth of counting them all.
func (sq searchQuery) count(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool) (n int, estimated bool, err error) {
	from, args := sq.from(everyDocIsUsers, false)
	var lowest sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT count(*), min(k) FROM (
			SELECT search.rowid AS k FROM `+from+` ORDER BY search.rowid DESC LIMIT ?)`,
		append(append([]any(nil), args...), sq.tune.exactTotalUpTo+1)...).Scan(&n, &lowest)
	if err != nil || n <= sq.tune.exactTotalUpTo {
		return n, false, err
	}
	n, err = estimateTotal(ctx, tx, n, lowest.Int64)
	return n, true, err
}

// estimateTotal extrapolates from a sample: counted hits among the
// documents with keys from lowest up. Keys are given in insertion order, so
// the estimate assumes the hits are spread evenly over time.
func estimateTotal(ctx context.Context, tx *sql.Tx, counted int, lowest int64) (int, error) {
	var first, last, newer int64
	if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT min(seq) FROM search_rows), (SELECT max(seq) FROM search_rows)`).Scan(&first, &last); err != nil {
		return 0, err
	}
	if newer = last - lowest + 1; newer <= 0 {
		return counted, nil
	}
	return max(counted, int(float64(counted)*float64(last-first+1)/float64(newer)+0.5)), nil
}

// relevancePage returns the keys of the page's hits by relevance, and
// their ranks: the newest tune.rankWindow hits (more when the page
// reaches deeper) are scored, then sorted. bm25 is computed only for the
// hits in the window.
func (sq searchQuery) relevancePage(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool) ([]int64, []float64, error) {
	from, args := sq.from(everyDocIsUsers, false)
	window := max(sq.tune.rankWindow, sq.list.offset+sq.list.limit)
	rows, err := tx.QueryContext(ctx, `SELECT k, -r FROM (
			SELECT search.rowid AS k, `+bm25SQL+` AS r FROM `+from+` ORDER BY search.rowid DESC LIMIT ?)
		ORDER BY r, k DESC LIMIT ? OFFSET ?`,
		append(append([]any(nil), args...), window, sq.list.limit, sq.list.offset)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		keys  []int64
		ranks []float64
	)
	for rows.Next() {
		var (
			k int64
			r float64
		)
		if err := rows.Scan(&k, &r); err != nil {
			return nil, nil, err
		}
		keys, ranks = append(keys, k), append(ranks, r)
	}
	return keys, ranks, rows.Err()
}

// datePage returns the keys of the page's hits in the filter's order. With
// few hits, they are looked up and sorted; with many, the documents are
// walked in the order's index and the matching ones kept, which stops as
// soon as the page is full.
func (sq searchQuery) datePage(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool, total int) ([]int64, error) {
	dir := "ASC"
	if sq.list.order.desc {
		dir = "DESC"
	}
	order := fmt.Sprintf("%s %s, d.id %s", sq.list.order.column, dir, dir)
	paging := []any{sq.list.limit, sq.list.offset}
	if total <= sq.tune.walkAbove {
		from, args := sq.from(everyDocIsUsers, true)
		return queryKeys(ctx, tx, `SELECT search.rowid FROM `+from+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
			append(append([]any(nil), args...), paging...)...)
	}
	// The unary + keeps SQLite from driving the walk from the matches.
	walk := `SELECT sr.seq FROM documents d INDEXED BY ` + sortIndex(sq.list.sort) + `
		CROSS JOIN search_rows sr ON sr.document_id = d.id
		WHERE d.user_id = ? AND ` + strings.Join(sq.conds, " AND ") + `
			AND +sr.seq IN (SELECT rowid FROM search WHERE search MATCH ?)
		ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	wargs := append([]any{sq.list.f.UserID}, sq.args...)
	return queryKeys(ctx, tx, walk, append(append(wargs, sq.match), paging...)...)
}

// sortIndex names the documents index that yields a sort order.
func sortIndex(s store.Sort) string {
	switch s {
	case store.SortName:
		return "documents_user_name"
	case store.SortSize:
		return "documents_user_size"
	}
	return "documents_user_created"
}

// queryKeys runs a query of one integer column.
func queryKeys(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
