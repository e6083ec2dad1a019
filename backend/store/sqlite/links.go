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
// transaction, as store.PlanSetTopics decides. Every topic must be one of
// the document owner's (ErrNotFound otherwise).
func (s *Store) SetDocumentTopics(ctx context.Context, userID, documentID string, links []store.TopicLink) error {
	links, err := store.CleanLinks(links)
	if err != nil {
		return fmt.Errorf("sqlite: set document topics: %w", err)
	}
	ids := make([]string, len(links))
	for i, l := range links {
		ids[i] = l.TopicID
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := documentOwnedBy(ctx, tx, documentID, userID); err != nil {
			return err
		}
		owned, err := ownedTopics(ctx, tx, userID, ids)
		if err != nil {
			return err
		}
		cur, err := loadTopicRows(ctx, tx, documentID)
		if err != nil {
			return err
		}
		change, err := store.PlanSetTopics(cur, links, owned)
		if err != nil {
			return err
		}
		if err := writeTopicChange(ctx, tx, documentID, change); err != nil {
			return err
		}
		return s.logDecisions(ctx, tx, documentID, store.PersonDecisions(cur, change))
	})
	if err != nil {
		return fmt.Errorf("sqlite: set document topics: %w", err)
	}
	return nil
}

// ownedTopics returns which of ids are topics of userID.
func ownedTopics(ctx context.Context, q queryer, userID string, ids []string) (map[string]bool, error) {
	owned := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return owned, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT id FROM topics
		WHERE id IN (SELECT value FROM json_each(?)) AND user_id = ?`, jsonList(ids), userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		owned[id] = true
	}
	return owned, rows.Err()
}

// loadTopicRows reads a document's links and suggestion rows, the input of
// the store.Plan* rules.
func loadTopicRows(ctx context.Context, q queryer, documentID string) (store.TopicRows, error) {
	var cur store.TopicRows
	rows, err := q.QueryContext(ctx, `
		SELECT 1, topic_id, source, confidence FROM document_topics WHERE document_id = ?1
		UNION ALL
		SELECT 0, topic_id, state, confidence FROM topic_suggestions WHERE document_id = ?1`, documentID)
	if err != nil {
		return cur, err
	}
	defer rows.Close()
	return store.ReadTopicRows(rows)
}

// writeTopicChange writes what a store.Plan* rule decided for a document.
// Only changed rows are written: the search index's triggers rewrite the
// document's row on every link change.
func writeTopicChange(ctx context.Context, tx *sql.Tx, documentID string, c store.TopicChange) error {
	if len(c.DeleteLinks) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM document_topics
			WHERE document_id = ? AND topic_id IN (SELECT value FROM json_each(?))`,
			documentID, jsonList(c.DeleteLinks)); err != nil {
			return err
		}
	}
	for _, l := range c.PutLinks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (document_id, topic_id) DO UPDATE SET source = excluded.source, confidence = excluded.confidence`,
			documentID, l.TopicID, string(l.Source), l.Confidence); err != nil {
			return classify(err)
		}
	}
	if len(c.DeleteSuggestions) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM topic_suggestions
			WHERE document_id = ? AND topic_id IN (SELECT value FROM json_each(?))`,
			documentID, jsonList(c.DeleteSuggestions)); err != nil {
			return err
		}
	}
	for _, sg := range c.PutSuggestions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO topic_suggestions (document_id, topic_id, state, confidence)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (document_id, topic_id) DO UPDATE SET state = excluded.state, confidence = excluded.confidence`,
			documentID, sg.TopicID, string(sg.State), sg.Confidence); err != nil {
			return classify(err)
		}
	}
	return nil
}
