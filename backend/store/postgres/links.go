package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/docsift/docsift/backend/store"
)

// querier is what both the pool and a transaction offer for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// dbtx is what both the pool and a transaction offer, so one code path can
// run alone or inside a larger transaction.
type dbtx interface {
	querier
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// SetDocumentTopics replaces every topic link of a document, in one
// transaction. Every topic must be one of the document owner's
// (store.ErrNotFound otherwise, and nothing changes). An empty Source means
// SourceUser; a topic listed twice keeps its last link.
func (s *Store) SetDocumentTopics(ctx context.Context, documentID string, links []store.TopicLink) error {
	const op = "set document topics"
	docID, ok := parseID(documentID)
	if !ok {
		return notFound(op)
	}
	// Deduplicate (last wins) keeping the first position of each topic.
	index := make(map[string]int, len(links))
	var topicIDs, sources []string
	var confidences []float64
	for _, l := range links {
		id, ok := parseID(l.TopicID)
		if !ok {
			return notFound(op + ": topic")
		}
		src := l.Source
		if src == "" {
			src = store.SourceUser
		}
		switch src {
		case store.SourceUser, store.SourceClassifier, store.SourceRule:
		default:
			return fmt.Errorf("postgres: %s: unknown link source %q", op, src)
		}
		if i, dup := index[id]; dup {
			sources[i], confidences[i] = string(src), l.Confidence
			continue
		}
		index[id] = len(topicIDs)
		topicIDs = append(topicIDs, id)
		sources = append(sources, string(src))
		confidences = append(confidences, l.Confidence)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the document row: concurrent replacements of the same
		// document's links run one after the other.
		var userID string
		if err := tx.QueryRow(ctx, "SELECT user_id FROM documents WHERE id = $1 FOR UPDATE", docID).Scan(&userID); err != nil {
			return fmt.Errorf("document: %w", err)
		}
		// Lock every topic whose count changes, old and new, in id order,
		// as the count triggers do: see 0001_init.sql.
		rows, err := tx.Query(ctx, `SELECT id, user_id FROM topics WHERE id IN (
				SELECT topic_id FROM document_topics WHERE document_id = $1
				UNION SELECT unnest($2::uuid[]))
			ORDER BY id FOR NO KEY UPDATE`, docID, topicIDs)
		if err != nil {
			return err
		}
		owner := map[string]string{}
		for rows.Next() {
			var id, user string
			if err := rows.Scan(&id, &user); err != nil {
				rows.Close()
				return err
			}
			owner[id] = user
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range topicIDs {
			if owner[id] != userID {
				return fmt.Errorf("topic %s: %w", id, store.ErrNotFound)
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM document_topics WHERE document_id = $1", docID); err != nil {
			return err
		}
		// A topic the person links is decided: no longer suggested, no
		// longer rejected.
		if _, err := tx.Exec(ctx, `DELETE FROM topic_suggestions
			WHERE document_id = $1 AND topic_id = ANY($2::uuid[])`, docID, topicIDs); err != nil {
			return err
		}
		if len(topicIDs) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
			SELECT $1, t, s, c FROM unnest($2::uuid[], $3::text[], $4::float8[]) AS u(t, s, c)`,
			docID, topicIDs, sources, confidences)
		return err
	})
	return wrap(op, err)
}

// loadTopics fills the Topics of docs with one query, ordered by topic name.
func loadTopics(ctx context.Context, q querier, docs []store.Document) error {
	if len(docs) == 0 {
		return nil
	}
	ids := make([]string, len(docs))
	byID := make(map[string]int, len(docs))
	for i := range docs {
		ids[i] = docs[i].ID
		byID[docs[i].ID] = i
	}
	rows, err := q.Query(ctx, `SELECT dt.document_id, t.id, t.name, t.color, dt.source, dt.confidence
		FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
		WHERE dt.document_id = ANY($1::uuid[])
		ORDER BY dt.document_id, t.name_key, t.id`, ids)
	if err != nil {
		return fmt.Errorf("load topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			docID  string
			link   store.DocumentTopic
			source string
		)
		if err := rows.Scan(&docID, &link.TopicID, &link.Name, &link.Color, &source, &link.Confidence); err != nil {
			return fmt.Errorf("load topics: %w", err)
		}
		link.Source = store.LinkSource(source)
		i := byID[docID]
		docs[i].Topics = append(docs[i].Topics, link)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load topics: %w", err)
	}
	return nil
}
