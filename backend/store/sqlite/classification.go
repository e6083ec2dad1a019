package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

// DocumentSuggestions returns a document's pending suggestions and its last
// classification.
func (s *Store) DocumentSuggestions(ctx context.Context, userID, documentID string) ([]store.Suggestion, *store.Classification, error) {
	var (
		sugs []store.Suggestion
		rec  *store.Classification
	)
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := documentOwnedBy(ctx, tx, documentID, userID); err != nil {
			return err
		}
		var err error
		sugs, rec, err = loadSuggestions(ctx, tx, documentID)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: document suggestions: %w", err)
	}
	return sugs, rec, nil
}

// loadSuggestions reads what DocumentSuggestions returns through q.
func loadSuggestions(ctx context.Context, q queryer, documentID string) ([]store.Suggestion, *store.Classification, error) {
	var one int
	if err := q.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE id = ?`, documentID).Scan(&one); err != nil {
		return nil, nil, notFound(err, "document", documentID)
	}
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.name, t.color, s.confidence
		FROM topic_suggestions s JOIN topics t ON t.id = s.topic_id
		WHERE s.document_id = ? AND s.state = 'pending'
		ORDER BY s.confidence DESC, t.name_key, t.id`, documentID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	sugs := []store.Suggestion{}
	for rows.Next() {
		var sg store.Suggestion
		if err := rows.Scan(&sg.TopicID, &sg.Name, &sg.Color, &sg.Confidence); err != nil {
			return nil, nil, err
		}
		sugs = append(sugs, sg)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var (
		rec       store.Classification
		truncated int
		name      string
		desc      string
		reasons   string
		at        int64
	)
	err = q.QueryRowContext(ctx, `SELECT provider, model, truncated, dropped, new_topic_name, new_topic_description,
			classified_at, reasons
		FROM classifications WHERE document_id = ?`, documentID).
		Scan(&rec.Provider, &rec.Model, &truncated, &rec.Dropped, &name, &desc, &at, &reasons)
	if errors.Is(err, sql.ErrNoRows) {
		return sugs, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	rec.Truncated = truncated == 1
	rec.ClassifiedAt = fromMicros(at)
	rec.Reasons = store.DecodeReasons(reasons)
	if name != "" {
		rec.NewTopic = &store.TopicProposal{Name: name, Description: desc}
	}
	return sugs, &rec, nil
}

// applyClassification writes a classify job's outcome inside FinishJob's
// transaction: the topics as store.PlanClassification decides, and the
// record.
func applyClassification(ctx context.Context, tx *sql.Tx, docID string, c *store.ClassificationOutcome, now int64) error {
	var owner string
	if err := tx.QueryRowContext(ctx, `SELECT user_id FROM documents WHERE id = ?`, docID).Scan(&owner); err != nil {
		return notFound(err, "document", docID)
	}
	owned, err := ownedTopics(ctx, tx, owner, store.OutcomeTopics(*c))
	if err != nil {
		return err
	}
	cur, err := loadTopicRows(ctx, tx, docID)
	if err != nil {
		return err
	}
	if err := writeTopicChange(ctx, tx, docID, store.PlanClassification(cur, *c, owned)); err != nil {
		return err
	}
	r := c.Record
	var name, desc string
	if r.NewTopic != nil {
		name, desc = r.NewTopic.Name, r.NewTopic.Description
	}
	at := now
	if !r.ClassifiedAt.IsZero() {
		at = r.ClassifiedAt.UnixMicro()
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO classifications
			(document_id, provider, model, truncated, dropped, new_topic_name, new_topic_description, classified_at, reasons)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (document_id) DO UPDATE SET provider = excluded.provider, model = excluded.model,
			truncated = excluded.truncated, dropped = excluded.dropped, new_topic_name = excluded.new_topic_name,
			new_topic_description = excluded.new_topic_description, classified_at = excluded.classified_at,
			reasons = excluded.reasons`,
		docID, r.Provider, r.Model, boolInt(r.Truncated), r.Dropped, name, desc, at, store.EncodeReasons(r.Reasons))
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AcceptSuggestion makes a pending suggestion or a classifier link a link
// with source user (store.PlanAccept).
func (s *Store) AcceptSuggestion(ctx context.Context, userID, documentID, topicID string) error {
	if err := s.decide(ctx, userID, documentID, topicID, store.PlanAccept); err != nil {
		return fmt.Errorf("sqlite: accept suggestion: %w", err)
	}
	return nil
}

// RejectSuggestion remembers a refused suggestion or classifier link
// (store.PlanReject).
func (s *Store) RejectSuggestion(ctx context.Context, userID, documentID, topicID string) error {
	if err := s.decide(ctx, userID, documentID, topicID, store.PlanReject); err != nil {
		return fmt.Errorf("sqlite: reject suggestion: %w", err)
	}
	return nil
}

// decide applies the person's decision plan on one topic of a document in
// a write transaction; the document must be userID's (ErrNotFound).
func (s *Store) decide(ctx context.Context, userID, documentID, topicID string,
	plan func(store.TopicRows, string) (store.TopicChange, error)) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := documentOwnedBy(ctx, tx, documentID, userID); err != nil {
			return err
		}
		cur, err := loadTopicRows(ctx, tx, documentID)
		if err != nil {
			return err
		}
		change, err := plan(cur, topicID)
		if err != nil {
			return fmt.Errorf("document %q: %w", documentID, err)
		}
		if err := writeTopicChange(ctx, tx, documentID, change); err != nil {
			return err
		}
		return s.logDecisions(ctx, tx, documentID, store.PersonDecisions(cur, change))
	})
}

// logDecisions appends the person's decisions on a document to the
// decision log, as its owner's, inside the change's transaction.
func (s *Store) logDecisions(ctx context.Context, tx *sql.Tx, documentID string, ds []store.Decision) error {
	at := s.stamp().UnixMicro()
	for _, d := range ds {
		if _, err := tx.ExecContext(ctx, `INSERT INTO classifier_decisions (user_id, document_id, topic_id, kind, decided_at)
			SELECT user_id, id, ?, ?, ? FROM documents WHERE id = ?`, d.TopicID, string(d.Kind), at, documentID); err != nil {
			return err
		}
	}
	return nil
}

// ClassifierDecisions counts the kinds among the user's last decisions.
func (s *Store) ClassifierDecisions(ctx context.Context, userID string, last int) (store.DecisionCounts, error) {
	var c store.DecisionCounts
	if last <= 0 {
		return c, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT kind, count(*) FROM (
			SELECT kind FROM classifier_decisions WHERE user_id = ?
			ORDER BY decided_at DESC, id DESC LIMIT ?)
		GROUP BY kind`, userID, last)
	if err != nil {
		return c, fmt.Errorf("sqlite: classifier decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return c, fmt.Errorf("sqlite: classifier decisions: %w", err)
		}
		c.Add(store.DecisionKind(kind), n)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("sqlite: classifier decisions: %w", err)
	}
	return c, nil
}

// TrainingExamples walks the documents that carry a decision.
func (s *Store) TrainingExamples(ctx context.Context, q store.TrainingQuery, fn func(store.TrainingExample) error) error {
	err := s.read(ctx, func(tx *sql.Tx) error {
		text := `''`
		if q.WithText {
			text = `coalesce((SELECT body FROM document_texts WHERE document_id = d.id), '')`
		}
		// One row per document: the linked and the rejected topic ids as
		// comma-separated lists (ids never hold a comma).
		query := `SELECT d.id, ` + text + `,
				coalesce((SELECT group_concat(topic_id) FROM document_topics
					WHERE document_id = d.id AND source IN ('user', 'rule')), ''),
				coalesce((SELECT group_concat(topic_id) FROM topic_suggestions
					WHERE document_id = d.id AND state = 'rejected'), '')
			FROM documents d WHERE d.user_id = ?`
		args := []any{q.UserID}
		if q.DocumentID != "" {
			query += ` AND d.id = ?`
			args = append(args, q.DocumentID)
		} else {
			query += ` AND d.id IN (
				SELECT document_id FROM document_topics WHERE source IN ('user', 'rule')
				UNION SELECT document_id FROM topic_suggestions WHERE state = 'rejected')`
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		found := false
		for rows.Next() {
			var ex store.TrainingExample
			var topics, rejected string
			if err := rows.Scan(&ex.DocumentID, &ex.Text, &topics, &rejected); err != nil {
				return err
			}
			ex.Topics, ex.Rejected = splitIDs(topics), splitIDs(rejected)
			found = true
			if err := fn(ex); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if q.DocumentID != "" && !found {
			return fmt.Errorf("document %q: %w", q.DocumentID, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: training examples: %w", err)
	}
	return nil
}

func splitIDs(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// ClassifierModel loads a persisted model.
func (s *Store) ClassifierModel(ctx context.Context, userID, name string) (store.ClassifierModel, error) {
	m := store.ClassifierModel{UserID: userID, Name: name}
	var fp, at int64
	err := s.r.QueryRowContext(ctx, `SELECT fingerprint, data, updated_at, generation FROM classifier_models
		WHERE user_id = ? AND name = ?`, userID, name).Scan(&fp, &m.Data, &at, &m.Generation)
	if err != nil {
		return store.ClassifierModel{}, fmt.Errorf("sqlite: classifier model: %w", notFound(err, "classifier model", name))
	}
	m.Fingerprint, m.UpdatedAt = uint64(fp), fromMicros(at)
	return m, nil
}

// SaveClassifierModel replaces a persisted model unless the stored one is
// of a higher generation, and folds the example versions it takes in.
func (s *Store) SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error {
	at := orNow(m.UpdatedAt, s.stamp())
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO classifier_models (user_id, name, fingerprint, data, updated_at, generation)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id, name) DO UPDATE SET fingerprint = excluded.fingerprint,
				data = excluded.data, updated_at = excluded.updated_at, generation = excluded.generation
			WHERE classifier_models.generation <= excluded.generation`,
			m.UserID, m.Name, int64(m.Fingerprint), m.Data, at.UnixMicro(), m.Generation)
		if err != nil {
			return classify(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, fmt.Errorf("generation %d: a newer model is stored: %w", m.Generation, store.ErrConflict))
		}
		if err := setModelGeneration(ctx, tx, m.UserID, m.Name, m.Generation); err != nil {
			return err
		}
		return foldClassifierExamples(ctx, tx, m.UserID, m.Name, m.Generation)
	})
	if err != nil {
		return fmt.Errorf("sqlite: save classifier model: %w", err)
	}
	return nil
}

// EnqueueForAll queues a job of kind for each of the user's documents in
// the given statuses that has none queued or running.
func (s *Store) EnqueueForAll(ctx context.Context, userID, kind string, statuses []store.Status) (int, error) {
	list := make([]string, len(statuses))
	for i, st := range statuses {
		if !st.Valid() {
			return 0, fmt.Errorf("sqlite: enqueue for all: unknown status %q", st)
		}
		list[i] = string(st)
	}
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.id FROM documents d
			WHERE d.user_id = ? AND d.status IN (SELECT value FROM json_each(?))
				AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.document_id = d.id AND j.kind = ?
					AND j.state IN ('queued', 'running'))`, userID, jsonList(list), kind)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := s.stamp()
		for _, id := range ids {
			if err := insertJob(ctx, tx, &store.Job{Kind: kind}, id, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: enqueue for all: %w", err)
	}
	return n, nil
}
