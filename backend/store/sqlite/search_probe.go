package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is an index probe.
var _ store.IndexProbe = (*Store)(nil)

// ProbeIndex runs q on the FTS5 table alone: MATCH and snippet(), newest
// limit rows by rowid, the topic (when given) narrowed by its name in the
// topics column as Search does, without the exact link check.
func (s *Store) ProbeIndex(ctx context.Context, q store.SearchQuery, limit int) (int, error) {
	shape, expr, err := matchExpr(store.SearchQuery{Must: q.Must}, nil)
	if err != nil || shape != store.ShapeMatch {
		return 0, err
	}
	n := 0
	err = s.read(ctx, func(tx *sql.Tx) error {
		if q.Filter.TopicID != nil {
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT name FROM topics WHERE id = ?`, *q.Filter.TopicID).Scan(&name); err != nil {
				return notFound(err, "topic", *q.Filter.TopicID)
			}
			expr = narrowByTopic(expr, name)
		}
		rows, err := tx.QueryContext(ctx, `SELECT rowid, snippet(search, 1, '[', ']', '…', 24)
			FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?`, expr, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var snippet string
			if err := rows.Scan(&id, &snippet); err != nil {
				return err
			}
			n++
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: probe index: %w", err)
	}
	return n, nil
}
