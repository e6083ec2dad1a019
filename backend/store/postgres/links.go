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
// transaction, as store.PlanSetTopics decides. Every topic must be one of
// the document owner's (store.ErrNotFound otherwise, and nothing changes),
// and the document must be userID's.
func (s *Store) SetDocumentTopics(ctx context.Context, userID, documentID string, links []store.TopicLink) error {
	const op = "set document topics"
	docID, ok1 := parseID(documentID)
	owner, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	// Canonical ids first, so two spellings of one topic are one link.
	canon := make([]store.TopicLink, len(links))
	for i, l := range links {
		id, ok := parseID(l.TopicID)
		if !ok {
			return notFound(op + ": topic")
		}
		l.TopicID = id
		canon[i] = l
	}
	links, err := store.CleanLinks(canon)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	topicIDs := make([]string, len(links))
	for i, l := range links {
		topicIDs[i] = l.TopicID
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the document row: concurrent replacements of the same
		// document's links run one after the other.
		var userID string
		if err := tx.QueryRow(ctx, "SELECT user_id FROM documents WHERE id = $1 AND user_id = $2 FOR UPDATE",
			docID, owner).Scan(&userID); err != nil {
			return fmt.Errorf("document: %w", err)
		}
		// Lock every topic whose count may change, old and new, in id
		// order, as the count triggers do: see 0001_init.sql.
		rows, err := tx.Query(ctx, `SELECT id, user_id = $3 FROM topics WHERE id IN (
				SELECT topic_id FROM document_topics WHERE document_id = $1
				UNION SELECT unnest($2::uuid[]))
			ORDER BY id FOR NO KEY UPDATE`, docID, topicIDs, userID)
		if err != nil {
			return err
		}
		owned, err := collectOwned(rows)
		if err != nil {
			return err
		}
		cur, err := loadTopicRows(ctx, tx, docID)
		if err != nil {
			return err
		}
		change, err := store.PlanSetTopics(cur, links, owned)
		if err != nil {
			return err
		}
		if err := writeTopicChange(ctx, tx, docID, change); err != nil {
			return err
		}
		return s.logDecisions(ctx, tx, docID, store.PersonDecisions(cur, change))
	})
	return wrap(op, err)
}

// collectOwned reads rows of (topic id, owned by the document's user).
func collectOwned(rows pgx.Rows) (map[string]bool, error) {
	defer rows.Close()
	owned := map[string]bool{}
	for rows.Next() {
		var id string
		var mine bool
		if err := rows.Scan(&id, &mine); err != nil {
			return nil, err
		}
		owned[id] = mine
	}
	return owned, rows.Err()
}

// loadTopicRows reads a document's links and suggestion rows, the input of
// the store.Plan* rules. The caller holds the document row's lock, so no
// other writer changes them before the transaction ends.
func loadTopicRows(ctx context.Context, q querier, docID string) (store.TopicRows, error) {
	var cur store.TopicRows
	rows, err := q.Query(ctx, `
		SELECT true, topic_id, source, confidence FROM document_topics WHERE document_id = $1
		UNION ALL
		SELECT false, topic_id, state, confidence FROM topic_suggestions WHERE document_id = $1`, docID)
	if err != nil {
		return cur, err
	}
	defer rows.Close()
	return store.ReadTopicRows(rows)
}

// writeTopicChange writes what a store.Plan* rule decided for a document,
// one statement per kind of change and none for an empty one (statement
// triggers fire even when no row changes). The caller has locked, in id
// order, every topic whose links c deletes or puts: the count triggers of
// the separate statements would otherwise lock them in two rounds, and two
// transactions could deadlock.
func writeTopicChange(ctx context.Context, tx pgx.Tx, docID string, c store.TopicChange) error {
	if len(c.DeleteLinks) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM document_topics WHERE document_id = $1 AND topic_id = ANY($2::uuid[])`,
			docID, c.DeleteLinks); err != nil {
			return err
		}
	}
	if len(c.PutLinks) > 0 {
		ids := make([]string, len(c.PutLinks))
		sources := make([]string, len(c.PutLinks))
		confs := make([]float64, len(c.PutLinks))
		for i, l := range c.PutLinks {
			ids[i], sources[i], confs[i] = l.TopicID, string(l.Source), l.Confidence
		}
		if _, err := tx.Exec(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
			SELECT $1, t, s, c FROM unnest($2::uuid[], $3::text[], $4::float8[]) AS u(t, s, c)
			ON CONFLICT (document_id, topic_id) DO UPDATE SET source = excluded.source, confidence = excluded.confidence`,
			docID, ids, sources, confs); err != nil {
			return err
		}
	}
	if len(c.DeleteSuggestions) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM topic_suggestions WHERE document_id = $1 AND topic_id = ANY($2::uuid[])`,
			docID, c.DeleteSuggestions); err != nil {
			return err
		}
	}
	if len(c.PutSuggestions) > 0 {
		ids := make([]string, len(c.PutSuggestions))
		states := make([]string, len(c.PutSuggestions))
		confs := make([]float64, len(c.PutSuggestions))
		for i, sg := range c.PutSuggestions {
			ids[i], states[i], confs[i] = sg.TopicID, string(sg.State), sg.Confidence
		}
		if _, err := tx.Exec(ctx, `INSERT INTO topic_suggestions (document_id, topic_id, state, confidence)
			SELECT $1, t, s, c FROM unnest($2::uuid[], $3::text[], $4::float8[]) AS u(t, s, c)
			ON CONFLICT (document_id, topic_id) DO UPDATE SET state = excluded.state, confidence = excluded.confidence`,
			docID, ids, states, confs); err != nil {
			return err
		}
	}
	return nil
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
