package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// inboxCond is store.DocumentFilter.Inbox over documents d: ready
// documents with a pending suggestion or with no topic.
const inboxCond = `(d.status = 'ready' AND (EXISTS (SELECT 1 FROM topic_suggestions ts WHERE ts.document_id = d.id AND ts.state = 'pending')
	OR NOT EXISTS (SELECT 1 FROM document_topics it WHERE it.document_id = d.id)))`

// DocumentSuggestions returns a document's pending suggestions and its last
// classification.
func (s *Store) DocumentSuggestions(ctx context.Context, userID, documentID string) ([]store.Suggestion, *store.Classification, error) {
	const op = "document suggestions"
	id, ok1 := parseID(documentID)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return nil, nil, notFound(op)
	}
	var one int
	if err := s.pool.QueryRow(ctx, "SELECT 1 FROM documents WHERE id = $1 AND user_id = $2", id, user).Scan(&one); err != nil {
		return nil, nil, wrap(op, err)
	}
	sugs, rec, err := loadSuggestions(ctx, s.pool, id)
	return sugs, rec, wrap(op, err)
}

// loadSuggestions reads a document's pending suggestions and record.
func loadSuggestions(ctx context.Context, q dbtx, id string) ([]store.Suggestion, *store.Classification, error) {
	rows, err := q.Query(ctx, `SELECT t.id, t.name, t.color, s.confidence
		FROM topic_suggestions s JOIN topics t ON t.id = s.topic_id
		WHERE s.document_id = $1 AND s.state = 'pending'
		ORDER BY s.confidence DESC, t.name_key, t.id`, id)
	if err != nil {
		return nil, nil, err
	}
	sugs := []store.Suggestion{}
	for rows.Next() {
		var sg store.Suggestion
		if err := rows.Scan(&sg.TopicID, &sg.Name, &sg.Color, &sg.Confidence); err != nil {
			rows.Close()
			return nil, nil, err
		}
		sugs = append(sugs, sg)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var (
		rec                 store.Classification
		name, desc, reasons string
	)
	err = q.QueryRow(ctx, `SELECT provider, model, truncated, dropped, new_topic_name, new_topic_description,
			classified_at, reasons
		FROM classifications WHERE document_id = $1`, id).
		Scan(&rec.Provider, &rec.Model, &rec.Truncated, &rec.Dropped, &name, &desc, &rec.ClassifiedAt, &reasons)
	if errors.Is(err, pgx.ErrNoRows) {
		return sugs, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	rec.ClassifiedAt = rec.ClassifiedAt.UTC()
	rec.Reasons = store.DecodeReasons(reasons)
	if name != "" {
		rec.NewTopic = &store.TopicProposal{Name: name, Description: desc}
	}
	return sugs, &rec, nil
}

// canonLinks returns links with canonical topic ids, dropping malformed
// ones (no topic can have such an id).
func canonLinks(links []store.TopicLink) []store.TopicLink {
	out := make([]store.TopicLink, 0, len(links))
	for _, l := range links {
		if id, ok := parseID(l.TopicID); ok {
			l.TopicID = id
			out = append(out, l)
		}
	}
	return out
}

// applyClassification writes a classify job's outcome inside FinishJob's
// transaction (the document row is already locked there): the topics as
// store.PlanClassification decides, and the record.
func (s *Store) applyClassification(ctx context.Context, tx pgx.Tx, docID string, c *store.ClassificationOutcome) error {
	outcome := store.ClassificationOutcome{Applied: canonLinks(c.Applied), Suggested: canonLinks(c.Suggested)}
	applied := make([]string, len(outcome.Applied))
	for i, l := range outcome.Applied {
		applied[i] = l.TopicID
	}
	// Lock the topics whose counts may change (the classifier's links go,
	// applied ones come), in id order, as the count triggers expect (see
	// 0001_init.sql and SetDocumentTopics); a topic deleted meanwhile is
	// then not applied.
	rows, err := tx.Query(ctx, `SELECT t.id, t.user_id = d.user_id FROM topics t, documents d
		WHERE d.id = $1 AND t.id IN (
			SELECT topic_id FROM document_topics WHERE document_id = $1 AND source = 'classifier'
			UNION SELECT unnest($2::uuid[]))
		ORDER BY t.id FOR NO KEY UPDATE OF t`, docID, applied)
	if err != nil {
		return err
	}
	owned, err := collectOwned(rows)
	if err != nil {
		return err
	}
	if len(outcome.Suggested) > 0 {
		suggested := make([]string, len(outcome.Suggested))
		for i, l := range outcome.Suggested {
			suggested[i] = l.TopicID
		}
		rows, err := tx.Query(ctx, `SELECT t.id, t.user_id = d.user_id FROM topics t, documents d
			WHERE d.id = $1 AND t.id = ANY($2::uuid[])`, docID, suggested)
		if err != nil {
			return err
		}
		more, err := collectOwned(rows)
		if err != nil {
			return err
		}
		maps.Copy(owned, more)
	}
	cur, err := loadTopicRows(ctx, tx, docID)
	if err != nil {
		return err
	}
	if err := writeTopicChange(ctx, tx, docID, store.PlanClassification(cur, outcome, owned)); err != nil {
		return err
	}
	r := c.Record
	var name, desc string
	if r.NewTopic != nil {
		name, desc = cleanText(r.NewTopic.Name), cleanText(r.NewTopic.Description)
	}
	_, err = tx.Exec(ctx, `INSERT INTO classifications
			(document_id, provider, model, truncated, dropped, new_topic_name, new_topic_description, classified_at, reasons)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (document_id) DO UPDATE SET provider = excluded.provider, model = excluded.model,
			truncated = excluded.truncated, dropped = excluded.dropped, new_topic_name = excluded.new_topic_name,
			new_topic_description = excluded.new_topic_description, classified_at = excluded.classified_at,
			reasons = excluded.reasons`,
		docID, cleanText(r.Provider), cleanText(r.Model), r.Truncated, r.Dropped, name, desc, s.timestamp(r.ClassifiedAt),
		cleanText(store.EncodeReasons(r.Reasons)))
	return err
}

// AcceptSuggestion makes a pending suggestion or a classifier link a link
// with source user (store.PlanAccept).
func (s *Store) AcceptSuggestion(ctx context.Context, userID, documentID, topicID string) error {
	return s.decide(ctx, "accept suggestion", userID, documentID, topicID, store.PlanAccept)
}

// RejectSuggestion remembers a refused suggestion or classifier link
// (store.PlanReject).
func (s *Store) RejectSuggestion(ctx context.Context, userID, documentID, topicID string) error {
	return s.decide(ctx, "reject suggestion", userID, documentID, topicID, store.PlanReject)
}

// decide applies the person's decision plan on one topic of a document in
// one transaction; the document must be userID's (store.ErrNotFound).
func (s *Store) decide(ctx context.Context, op, userID, documentID, topicID string,
	plan func(store.TopicRows, string) (store.TopicChange, error)) error {
	docID, ok1 := parseID(documentID)
	topic, ok2 := parseID(topicID)
	user, ok3 := parseID(userID)
	if !ok1 || !ok2 || !ok3 {
		return wrap(op, fmt.Errorf("no suggestion of topic %q for document %q: %w", topicID, documentID, store.ErrNotFound))
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The document row, then the topic (the only one whose count may
		// change), as SetDocumentTopics and FinishJob take them.
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM documents WHERE id = $1 AND user_id = $2 FOR NO KEY UPDATE",
			docID, user).Scan(&one); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM topics WHERE id = $1 FOR NO KEY UPDATE", topic); err != nil {
			return err
		}
		cur, err := loadTopicRows(ctx, tx, docID)
		if err != nil {
			return err
		}
		change, err := plan(cur, topic)
		if err != nil {
			return fmt.Errorf("document %q: %w", documentID, err)
		}
		if err := writeTopicChange(ctx, tx, docID, change); err != nil {
			return err
		}
		return s.logDecisions(ctx, tx, docID, store.PersonDecisions(cur, change))
	})
	return wrap(op, err)
}

// logDecisions appends the person's decisions on a document (canonical
// id) to the decision log, as its owner's, inside the change's
// transaction.
func (s *Store) logDecisions(ctx context.Context, tx pgx.Tx, docID string, ds []store.Decision) error {
	at := s.timestamp(time.Time{})
	for _, d := range ds {
		if _, err := tx.Exec(ctx, `INSERT INTO classifier_decisions (user_id, document_id, topic_id, kind, decided_at)
			SELECT user_id, id, $2, $3, $4 FROM documents WHERE id = $1`, docID, d.TopicID, string(d.Kind), at); err != nil {
			return err
		}
	}
	return nil
}

// ClassifierDecisions counts the kinds among the user's last decisions.
func (s *Store) ClassifierDecisions(ctx context.Context, userID string, last int) (store.DecisionCounts, error) {
	const op = "classifier decisions"
	var c store.DecisionCounts
	user, ok := parseID(userID)
	if !ok || last <= 0 {
		return c, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM (
			SELECT kind FROM classifier_decisions WHERE user_id = $1
			ORDER BY decided_at DESC, id DESC LIMIT $2) last
		GROUP BY kind`, user, last)
	if err != nil {
		return c, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return c, wrap(op, err)
		}
		c.Add(store.DecisionKind(kind), n)
	}
	return c, wrap(op, rows.Err())
}

// TrainingExamples walks the documents that carry a decision.
func (s *Store) TrainingExamples(ctx context.Context, q store.TrainingQuery, fn func(store.TrainingExample) error) error {
	const op = "training examples"
	user, ok := parseID(q.UserID)
	if !ok {
		return nil
	}
	text := `''`
	if q.WithText {
		text = `coalesce(d.extracted_text, '')`
	}
	query := `SELECT d.id, ` + text + `,
			coalesce((SELECT array_agg(topic_id::text) FROM document_topics
				WHERE document_id = d.id AND source IN ('user', 'rule')), '{}'),
			coalesce((SELECT array_agg(topic_id::text) FROM topic_suggestions
				WHERE document_id = d.id AND state = 'rejected'), '{}')
		FROM documents d WHERE d.user_id = $1`
	args := []any{user}
	if q.DocumentID != "" {
		id, ok := parseID(q.DocumentID)
		if !ok {
			return notFound(op)
		}
		query += ` AND d.id = $2`
		args = append(args, id)
	} else {
		query += ` AND d.id IN (
			SELECT document_id FROM document_topics WHERE source IN ('user', 'rule')
			UNION SELECT document_id FROM topic_suggestions WHERE state = 'rejected')`
	}
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return wrap(op, err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var ex store.TrainingExample
		if err := rows.Scan(&ex.DocumentID, &ex.Text, &ex.Topics, &ex.Rejected); err != nil {
			return wrap(op, err)
		}
		found = true
		if err := fn(ex); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(op, err)
	}
	if q.DocumentID != "" && !found {
		return notFound(op)
	}
	return nil
}

// ClassifierModel loads a persisted model.
func (s *Store) ClassifierModel(ctx context.Context, userID, name string) (store.ClassifierModel, error) {
	const op = "classifier model"
	user, ok := parseID(userID)
	if !ok {
		return store.ClassifierModel{}, notFound(op)
	}
	m := store.ClassifierModel{UserID: user, Name: name}
	var fp int64
	err := s.pool.QueryRow(ctx, `SELECT fingerprint, data, updated_at, generation FROM classifier_models
		WHERE user_id = $1 AND name = $2`, user, name).Scan(&fp, &m.Data, &m.UpdatedAt, &m.Generation)
	if err != nil {
		return store.ClassifierModel{}, wrap(op, err)
	}
	m.Fingerprint, m.UpdatedAt = uint64(fp), m.UpdatedAt.UTC()
	return m, nil
}

// SaveClassifierModel replaces a persisted model unless the stored one is
// of a higher generation, and folds the example versions it takes in.
func (s *Store) SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error {
	const op = "save classifier model"
	user, ok := parseID(m.UserID)
	if !ok {
		return notFound(op)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO classifier_models (user_id, name, fingerprint, data, updated_at, generation)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, name) DO UPDATE SET fingerprint = excluded.fingerprint,
				data = excluded.data, updated_at = excluded.updated_at, generation = excluded.generation
			WHERE classifier_models.generation <= excluded.generation`,
			user, m.Name, int64(m.Fingerprint), m.Data, s.timestamp(m.UpdatedAt), m.Generation)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("generation %d: a newer model is stored: %w", m.Generation, store.ErrConflict)
		}
		if err := setModelGeneration(ctx, tx, user, m.Name, m.Generation); err != nil {
			return err
		}
		return foldClassifierExamples(ctx, tx, user, m.Name, m.Generation)
	})
	return wrap(op, err)
}

// EnqueueForAll queues a job of kind for each of the user's documents in
// the given statuses that has none queued or running.
func (s *Store) EnqueueForAll(ctx context.Context, userID, kind string, statuses []store.Status) (int, error) {
	const op = "enqueue for all"
	user, ok := parseID(userID)
	if !ok {
		return 0, nil
	}
	list := make([]string, len(statuses))
	for i, st := range statuses {
		if !st.Valid() {
			return 0, fmt.Errorf("postgres: %s: unknown status %q", op, st)
		}
		list[i] = string(st)
	}
	now := s.timestamp(time.Time{})
	tag, err := s.pool.Exec(ctx, `INSERT INTO jobs (id, kind, document_id, user_id, state, attempts, run_at, created_at, updated_at)
		SELECT gen_random_uuid(), $2, d.id, d.user_id, 'queued', 0, $4, $4, $4
		FROM documents d
		WHERE d.user_id = $1 AND d.status = ANY($3::text[])
			AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.document_id = d.id AND j.kind = $2
				AND j.state IN ('queued', 'running'))`, user, kind, list, now)
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(tag.RowsAffected()), nil
}
