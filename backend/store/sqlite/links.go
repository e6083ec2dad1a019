package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// attachTopics fills the Topics of docs with one query, ordered by topic
// name as FoldKey compares it.
func attachTopics(ctx context.Context, q queryer, docs []store.Document) error {
	if len(docs) == 0 {
		return nil
	}
	index := make(map[string]int, len(docs))
	ids := make([]string, len(docs))
	for i, d := range docs {
		index[d.ID] = i
		ids[i] = d.ID
	}
	rows, err := q.QueryContext(ctx, `
		SELECT dt.document_id, t.id, t.name, t.color, dt.source, dt.confidence
		FROM json_each(?) ids
			CROSS JOIN document_topics dt ON dt.document_id = ids.value
			JOIN topics t ON t.id = dt.topic_id
		ORDER BY dt.document_id, t.name_key, t.id`, jsonList(ids))
	if err != nil {
		return fmt.Errorf("document topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var docID string
		var dt store.DocumentTopic
		if err := rows.Scan(&docID, &dt.TopicID, &dt.Name, &dt.Color, &dt.Source, &dt.Confidence); err != nil {
			return fmt.Errorf("document topics: %w", err)
		}
		i := index[docID]
		docs[i].Topics = append(docs[i].Topics, dt)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("document topics: %w", err)
	}
	return nil
}

// jsonList encodes ids as a JSON array for json_each: one parameter
// however many ids, and no escaping concerns.
func jsonList(ids []string) string {
	b, _ := json.Marshal(ids) // a []string always marshals
	return string(b)
}

// SetDocumentTopics replaces every topic link of a document in one
// transaction. Every topic must be one of the document owner's
// (ErrNotFound otherwise); a topic given twice keeps its last link.
func (s *Store) SetDocumentTopics(ctx context.Context, documentID string, links []store.TopicLink) error {
	for _, l := range links {
		switch l.Source {
		case store.SourceUser, store.SourceClassifier, store.SourceRule:
		default:
			return fmt.Errorf("sqlite: set document topics: invalid link source %q", l.Source)
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var owner string
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM documents WHERE id = ?`, documentID).Scan(&owner); err != nil {
			return notFound(err, "document", documentID)
		}
		// Only the links that go are deleted, and the others upserted: an
		// unchanged link fires no trigger, so the search index (whose
		// triggers rewrite the document's row on every link change) is
		// touched only when the set of topics really changes.
		keep := make([]string, len(links))
		for i, l := range links {
			keep[i] = l.TopicID
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM document_topics
			WHERE document_id = ? AND topic_id NOT IN (SELECT value FROM json_each(?))`,
			documentID, jsonList(keep)); err != nil {
			return err
		}
		// A topic the person links is decided: no longer suggested, no
		// longer rejected.
		if _, err := tx.ExecContext(ctx, `DELETE FROM topic_suggestions
			WHERE document_id = ? AND topic_id IN (SELECT value FROM json_each(?))`,
			documentID, jsonList(keep)); err != nil {
			return err
		}
		if len(links) == 0 {
			return nil
		}
		check, err := tx.PrepareContext(ctx, `SELECT 1 FROM topics WHERE id = ? AND user_id = ?`)
		if err != nil {
			return err
		}
		defer check.Close()
		insert, err := tx.PrepareContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (document_id, topic_id) DO UPDATE SET source = excluded.source, confidence = excluded.confidence`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for _, l := range links {
			var one int
			if err := check.QueryRowContext(ctx, l.TopicID, owner).Scan(&one); err != nil {
				return notFound(err, "topic", l.TopicID)
			}
			if _, err := insert.ExecContext(ctx, documentID, l.TopicID, string(l.Source), l.Confidence); err != nil {
				return classify(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: set document topics: %w", err)
	}
	return nil
}
