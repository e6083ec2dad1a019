package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

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
		return queryKeys(ctx, tx, `SELECT `+sq.key()+` FROM `+from+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
			append(append([]any(nil), args...), paging...)...)
	}
	// The unary + keeps SQLite from driving the walk from the matches.
	wargs := append([]any{sq.list.f.UserID}, sq.args...)
	// Date bounds on the walked index itself let a date-ordered walk
	// start at the first document in range instead of stepping to it.
	var bounds string
	if sq.list.sort == store.SortNewest || sq.list.sort == store.SortOldest || sq.list.sort == "" {
		for _, f := range sq.q.AllFilters() {
			if f.Kind != store.FilterCreated || f.Not {
				continue
			}
			if f.From != nil {
				bounds += ` AND d.created_at >= ?`
				wargs = append(wargs, f.From.UnixMicro())
			}
			if f.To != nil {
				bounds += ` AND d.created_at < ?`
				wargs = append(wargs, f.To.UnixMicro())
			}
		}
	}
	matches := bounds
	if sq.match != "" {
		matches += ` AND +sr.seq IN (SELECT rowid FROM search WHERE search MATCH ?)`
		wargs = append(wargs, sq.match)
	}
	walk := `SELECT sr.seq FROM documents d INDEXED BY ` + sortIndex(sq.list.sort) + `
		CROSS JOIN search_rows sr ON sr.document_id = d.id
		WHERE d.user_id = ? AND ` + strings.Join(sq.conds, " AND ") + matches + `
		ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	return queryKeys(ctx, tx, walk, append(wargs, paging...)...)
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
