package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
//
// Relevance is not tuned: best match ranks every matching document by
// bm25 (see relevancePage).
type searchTuning struct {
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
	return searchTuning{exactTotalUpTo: 10_000, walkAbove: 2_000}
}

// searchQuery is a store.SearchQuery turned into SQL.
type searchQuery struct {
	tune  searchTuning
	list  listQuery // the validated filter, its paging and order
	q     store.SearchQuery
	exp   prefixTerms // the prefixes of q that FTS5 is asked for term by term
	match string      // the FTS5 query; "" when the text is no MATCH (filters only, or only excluded terms)
	// rankMatch is the FTS5 query that scores a hit: match before
	// narrowByTopic added the topics' names to it (they would add to
	// every hit's score, by how many topics it has).
	rankMatch string
	// conds and args filter the hits by their search_rows row sr (and
	// the topic links); userOnly says the user is the only filter.
	conds    []string
	args     []any
	userOnly bool
	// topicNames are the names of the topics every hit must be linked
	// to, for narrowByTopic.
	topicIDs []string
}

// newSearchQuery validates q and builds its query; ok is false when
// nothing can match.
func newSearchQuery(q store.SearchQuery, tune searchTuning, exp prefixTerms) (sq searchQuery, ok bool, err error) {
	f := q.Filter
	f.Query, f.Cursor = "", ""
	list, err := newListQuery(f)
	if err != nil {
		return searchQuery{}, false, err
	}
	shape, match, err := matchExpr(q, exp)
	if err != nil || shape == store.ShapeNone {
		return searchQuery{}, false, err
	}
	sq = searchQuery{tune: tune, list: list, q: q, exp: exp}
	add := func(cond string, args ...any) {
		sq.conds = append(sq.conds, cond)
		sq.args = append(sq.args, args...)
	}
	add("sr.user_id = ?", f.UserID)
	switch shape {
	case store.ShapeMatch:
		sq.match, sq.rankMatch = match, match
	case store.ShapeExclude:
		add("sr.seq NOT IN (SELECT rowid FROM search WHERE search MATCH ?)", match)
	}
	if f.FolderID != nil {
		add("sr.folder_id = ?", *f.FolderID)
	}
	if f.Unfiled {
		add("sr.folder_id IS NULL")
	}
	if f.Status != nil {
		add("sr.status = ?", string(*f.Status))
	}
	if f.Inbox {
		add(inboxCond("sr", "document_id"))
	}
	if f.TopicID != nil {
		add("EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = sr.document_id AND dt.topic_id = ?)",
			*f.TopicID)
		sq.topicIDs = append(sq.topicIDs, *f.TopicID)
	}
	for _, flt := range q.AllFilters() {
		cond, args, ok := filterCond(flt)
		if !ok {
			return searchQuery{}, false, nil
		}
		if cond != "" {
			add(cond, args...)
		}
		if flt.Kind == store.FilterTopic && !flt.Not && len(flt.IDs) == 1 {
			sq.topicIDs = append(sq.topicIDs, flt.IDs[0])
		}
	}
	sq.userOnly = len(sq.conds) == 1
	return sq, true, nil
}

// filterCond is the condition of one filter on the search_rows row sr;
// cond is "" when the filter holds for every document, ok false when it
// holds for none.
func filterCond(f store.SearchFilter) (cond string, args []any, ok bool) {
	in := func(ids []string) string {
		for _, id := range ids {
			args = append(args, id)
		}
		return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	}
	switch f.Kind {
	case store.FilterTopic, store.FilterFolder:
		if len(f.IDs) == 0 {
			return "", nil, f.Not // in none of no topics: every document
		}
		if f.Kind == store.FilterTopic {
			// An IN list, not EXISTS per row: SQLite builds the topic's
			// documents once (from document_topics_topic) and probes it,
			// or drives the search from it when it is the narrower side.
			cond = "sr.document_id IN (SELECT dt.document_id FROM document_topics dt WHERE dt.topic_id IN (" + in(f.IDs) + "))"
		} else {
			cond = "coalesce(sr.folder_id IN (" + in(f.IDs) + "), 0)"
		}
	case store.FilterType:
		// substr, not LIKE: '%' and '_' in the prefix are just characters.
		cond, args = "substr(sr.content_type, 1, ?) = ?", []any{len(f.TypePrefix), f.TypePrefix}
	case store.FilterCreated:
		var parts []string
		if f.From != nil {
			parts, args = append(parts, "sr.created_at >= ?"), append(args, f.From.UnixMicro())
		}
		if f.To != nil {
			parts, args = append(parts, "sr.created_at < ?"), append(args, f.To.UnixMicro())
		}
		if len(parts) == 0 {
			return "", nil, !f.Not
		}
		cond = strings.Join(parts, " AND ")
	default:
		return "", nil, false
	}
	if f.Not {
		cond = "NOT (" + cond + ")"
	}
	return cond, args, true
}

// key is the column that keys the matching rows.
func (sq searchQuery) key() string {
	if sq.match == "" {
		return "sr.seq"
	}
	return "search.rowid"
}

// from returns FROM … WHERE … of the matching rows (key() is a hit's
// key, sr its search_rows row, d its document when withDoc) and its
// arguments. When every document is the user's and nothing else filters,
// FTS5 answers alone; otherwise each hit is checked in search_rows. CROSS
// JOIN keeps FTS5 the outer loop: it is what narrows most. Without a
// MATCH (filters only), the rows are search_rows' alone.
func (sq searchQuery) from(everyDocIsUsers, withDoc bool) (string, []any) {
	if sq.match == "" {
		from := `search_rows sr`
		if withDoc {
			from += ` CROSS JOIN documents d ON d.id = sr.document_id`
		}
		return from + ` WHERE ` + strings.Join(sq.conds, " AND "), sq.args
	}
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
// snapshot. Hits come by relevance (larger Rank first: bm25 over every
// match; see relevancePage) or, with ByDate, in the order of
// q.Filter.Sort; each carries its topics, its rank and a snippet of its
// text. A query with no text lists the documents that pass its filters
// in the order of q.Filter.Sort (Rank 0, the snippet from the start of
// the text); one whose terms have nothing to search for finds nothing.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchPage, error) {
	page := store.SearchPage{Hits: []store.SearchHit{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		exp, err := expandPrefixes(ctx, tx, q)
		if err != nil {
			return err
		}
		sq, ok, err := newSearchQuery(q, s.tune, exp)
		if err != nil || !ok {
			return err
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM document_tally WHERE user_id <> ?`,
			q.Filter.UserID).Scan(&others); err != nil {
			return err
		}
		everyDocIsUsers := others == 0
		for _, id := range sq.topicIDs {
			var name string
			err := tx.QueryRowContext(ctx, `SELECT name FROM topics WHERE id = ?`, id).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // no such topic: nothing is linked to it
			}
			if err != nil {
				return err
			}
			if sq.match != "" {
				sq.match = narrowByTopic(sq.match, name)
			}
		}
		var (
			keys  []int64
			ranks []float64 // nil: load scores the hits
		)
		if q.ByDate || sq.match == "" {
			if page.Total, page.TotalIsEstimate, err = sq.count(ctx, tx, everyDocIsUsers); err != nil {
				return err
			}
			if page.Total > sq.list.offset {
				keys, err = sq.datePage(ctx, tx, everyDocIsUsers, page.Total)
			}
		} else {
			if keys, ranks, err = sq.relevancePage(ctx, tx, everyDocIsUsers); err == nil {
				page.Total, page.TotalIsEstimate, err = sq.count(ctx, tx, everyDocIsUsers)
			}
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

// relevancePage returns the keys of the page's hits by relevance and
// their ranks: bm25 over every match, best first, ties newest first.
// SQLite keeps the best offset+limit in its sorter as the matches stream
// by, so the cost is reading every match and scoring it (about 1 µs each:
// docs/benchmarks-history.md, "Ranking engines (issue 17)"); no match is
// skipped, so the order is exact however common the words. The scores
// are the rank expression's (rankMatch): with a topic filter the
// narrowed expression only says which rows may be hits.
func (sq searchQuery) relevancePage(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool) (keys []int64, ranks []float64, err error) {
	rq := sq
	if sq.rankMatch != sq.match {
		rq.match = sq.rankMatch
		// Unary +: a filter on the rows FTS5 yields, not a rowid lookup each.
		rq.conds = append(slices.Clip(sq.conds), "+search.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)")
		rq.args = append(slices.Clip(sq.args), sq.match)
		rq.userOnly = false
	}
	from, args := rq.from(everyDocIsUsers, false)
	rows, err := tx.QueryContext(ctx, `SELECT k, -r FROM (
			SELECT search.rowid AS k, `+bm25SQL+` AS r FROM `+from+`)
		ORDER BY r, k DESC LIMIT ? OFFSET ?`,
		append(append([]any(nil), args...), sq.list.limit, sq.list.offset)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
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
