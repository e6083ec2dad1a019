package sqlite

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// topicColumns are the columns scanTopic reads, in order.
const topicColumns = `t.id, t.user_id, t.name, t.description, t.color, t.created_at`

// scanTopic reads topicColumns plus any extra destinations.
func scanTopic(sc rowScanner, extra ...any) (store.Topic, error) {
	var t store.Topic
	var created int64
	if err := sc.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.Description, &t.Color, &created}, extra...)...); err != nil {
		return store.Topic{}, err
	}
	t.CreatedAt = fromMicros(created)
	return t, nil
}

// CreateTopic inserts t. A name the user already has, in any case, gives
// ErrConflict. ID defaults to a new UUID and CreatedAt to now; both are
// written back to t.
func (s *Store) CreateTopic(ctx context.Context, t *store.Topic) error {
	if err := store.CheckName(t.Name); err != nil {
		return fmt.Errorf("sqlite: create topic: %w", err)
	}
	if t.ID == "" {
		t.ID = uuid.NewString()
	}
	created := orNow(t.CreatedAt, s.stamp())
	if _, err := s.writeCount(ctx, `INSERT INTO topics (id, user_id, name, name_key, description, color, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.Name, store.FoldKey(t.Name), t.Description, t.Color, created.UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: create topic %q: %w", t.Name, classify(err))
	}
	t.CreatedAt = created
	return nil
}

// Topic returns one of userID's topics.
func (s *Store) Topic(ctx context.Context, userID, id string) (store.Topic, error) {
	t, err := scanTopic(s.r.QueryRowContext(ctx,
		`SELECT `+topicColumns+` FROM topics t WHERE t.id = ? AND t.user_id = ?`, id, userID))
	if err != nil {
		return store.Topic{}, fmt.Errorf("sqlite: %w", notFound(err, "topic", id))
	}
	return t, nil
}

// TopicByName finds a user's topic by name, compared by store.FoldKey.
func (s *Store) TopicByName(ctx context.Context, userID, name string) (store.Topic, error) {
	t, err := scanTopic(s.r.QueryRowContext(ctx,
		`SELECT `+topicColumns+` FROM topics t WHERE t.user_id = ? AND t.name_key = ?`, userID, store.FoldKey(name)))
	if err != nil {
		return store.Topic{}, fmt.Errorf("sqlite: %w", notFound(err, "topic", name))
	}
	return t, nil
}

// Topics lists a user's topics by folded name, each with the number of
// documents linked to it, in one query (the count is the one the
// document_topics_count_* triggers keep).
func (s *Store) Topics(ctx context.Context, userID string) ([]store.Topic, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+topicColumns+`, t.document_count
		FROM topics t WHERE t.user_id = ? ORDER BY t.name_key, t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: topics: %w", err)
	}
	defer rows.Close()
	topics := []store.Topic{}
	for rows.Next() {
		var n int
		t, err := scanTopic(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("sqlite: topics: %w", err)
		}
		t.DocumentCount = n
		topics = append(topics, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: topics: %w", err)
	}
	return topics, nil
}

// UpdateTopic saves name, description and color. A name another topic of
// the user has, in any case, gives ErrConflict; changing the case of the
// topic's own name is allowed. The topic must be t.UserID's (ErrNotFound).
func (s *Store) UpdateTopic(ctx context.Context, t store.Topic) error {
	if err := store.CheckName(t.Name); err != nil {
		return fmt.Errorf("sqlite: update topic: %w", err)
	}
	n, err := s.writeCount(ctx, `UPDATE topics SET name = ?, name_key = ?, description = ?, color = ?
		WHERE id = ? AND user_id = ?`,
		t.Name, store.FoldKey(t.Name), t.Description, t.Color, t.ID, t.UserID)
	if err != nil {
		return fmt.Errorf("sqlite: update topic %q: %w", t.Name, classify(err))
	}
	if n == 0 {
		return fmt.Errorf("sqlite: update topic %q: %w", t.ID, store.ErrNotFound)
	}
	return nil
}

// DeleteTopic removes one of userID's topics; its links go with it (ON
// DELETE CASCADE) and the documents stay.
func (s *Store) DeleteTopic(ctx context.Context, userID, id string) error {
	n, err := s.writeCount(ctx, `DELETE FROM topics WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: delete topic: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: delete topic %q: %w", id, store.ErrNotFound)
	}
	return nil
}
