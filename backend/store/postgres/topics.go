package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

const topicColumns = `t.id, t.user_id, t.name, t.description, t.color, t.created_at`

func scanTopic(row pgx.Row, extra ...any) (store.Topic, error) {
	var t store.Topic
	dest := append([]any{&t.ID, &t.UserID, &t.Name, &t.Description, &t.Color, &t.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return store.Topic{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
}

// CreateTopic inserts t (an empty ID gets a fresh UUID, a zero CreatedAt is
// now) and writes back what was stored. A name the user already has, in any
// case, gives store.ErrConflict; a missing user store.ErrNotFound.
func (s *Store) CreateTopic(ctx context.Context, t *store.Topic) error {
	const op = "create topic"
	if err := store.CheckName(t.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, err := newID(op, t.ID)
	if err != nil {
		return err
	}
	userID, ok := parseID(t.UserID)
	if !ok {
		return notFound(op + ": user")
	}
	created := s.timestamp(t.CreatedAt)
	_, err = s.pool.Exec(ctx, `INSERT INTO topics (id, user_id, name, name_key, description, color, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, userID, t.Name, store.FoldKey(t.Name), t.Description, t.Color, created)
	if err != nil {
		return wrap(op, err)
	}
	t.ID, t.UserID, t.CreatedAt = id, userID, created
	return nil
}

// Topic returns one of userID's topics.
func (s *Store) Topic(ctx context.Context, userID, id string) (store.Topic, error) {
	const op = "get topic"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return store.Topic{}, notFound(op)
	}
	t, err := scanTopic(s.pool.QueryRow(ctx,
		"SELECT "+topicColumns+" FROM topics t WHERE t.id = $1 AND t.user_id = $2", canon, user))
	if err != nil {
		return store.Topic{}, wrap(op, err)
	}
	return t, nil
}

// TopicByName finds a user's topic by name, case-insensitively.
func (s *Store) TopicByName(ctx context.Context, userID, name string) (store.Topic, error) {
	const op = "get topic by name"
	user, ok := parseID(userID)
	if !ok {
		return store.Topic{}, notFound(op)
	}
	t, err := scanTopic(s.pool.QueryRow(ctx, "SELECT "+topicColumns+
		" FROM topics t WHERE t.user_id = $1 AND t.name_key = $2", user, store.FoldKey(name)))
	if err != nil {
		return store.Topic{}, wrap(op, err)
	}
	return t, nil
}

// Topics lists a user's topics ordered by name (case-insensitively), each
// with the number of documents linked to it, in one query.
func (s *Store) Topics(ctx context.Context, userID string) ([]store.Topic, error) {
	const op = "list topics"
	topics := []store.Topic{}
	user, ok := parseID(userID)
	if !ok {
		return topics, nil
	}
	// document_count is kept by triggers on document_topics.
	rows, err := s.pool.Query(ctx, "SELECT "+topicColumns+`, t.document_count
		FROM topics t WHERE t.user_id = $1 ORDER BY t.name_key, t.id`, user)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		t, err := scanTopic(rows, &n)
		if err != nil {
			return nil, wrap(op, err)
		}
		t.DocumentCount = int(n)
		topics = append(topics, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return topics, nil
}

// UpdateTopic saves name, description and color. store.ErrConflict when the
// new name (in any case) is another of the user's topics; store.ErrNotFound
// when the topic is not t.UserID's.
func (s *Store) UpdateTopic(ctx context.Context, t store.Topic) error {
	const op = "update topic"
	if err := store.CheckName(t.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, ok1 := parseID(t.ID)
	user, ok2 := parseID(t.UserID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE topics SET name = $2, name_key = $3, description = $4, color = $5
		WHERE id = $1 AND user_id = $6`, id, t.Name, store.FoldKey(t.Name), t.Description, t.Color, user)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// DeleteTopic removes one of userID's topics and (by cascade) its links;
// documents stay.
func (s *Store) DeleteTopic(ctx context.Context, userID, id string) error {
	const op = "delete topic"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, "DELETE FROM topics WHERE id = $1 AND user_id = $2", canon, user)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}
