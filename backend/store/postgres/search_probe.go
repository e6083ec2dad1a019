package postgres

import (
	"context"
	"strconv"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is an index probe.
var _ store.IndexProbe = (*Store)(nil)

// ProbeIndex runs q on the GIN-indexed tsvector alone: @@ and
// ts_headline, newest limit rows, the topic (when given) checked on its
// links.
func (s *Store) ProbeIndex(ctx context.Context, q store.SearchQuery, limit int) (int, error) {
	const op = "probe index"
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	tq, ok, err := buildTSQuery(store.SearchQuery{Must: q.Must}, arg)
	if err != nil || !ok || tq.shape != store.ShapeMatch {
		return 0, wrap(op, err)
	}
	sqlText := `SELECT d.id, ts_headline('` + tsConfig + `', docsift_snippet_source(d.extracted_text, p.q), p.q)
		FROM document_search s JOIN documents d ON d.id = s.document_id, (SELECT ` + tq.match + ` AS q) p
		WHERE s.search @@ p.q`
	if q.Filter.TopicID != nil {
		topicID, ok := parseID(*q.Filter.TopicID)
		if !ok {
			return 0, notFound(op + ": topic")
		}
		sqlText += ` AND EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = s.document_id AND dt.topic_id = ` + arg(topicID) + `)`
	}
	sqlText += ` ORDER BY s.created_at DESC LIMIT ` + arg(limit)
	rows, err := s.pool.Query(ctx, sqlText, args...)
	if err != nil {
		return 0, wrap(op, err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, wrap(op, err)
	}
	return n, nil
}
