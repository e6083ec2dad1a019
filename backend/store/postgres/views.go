package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

const viewColumns = `id, user_id, name, query, sort, topic_id, folder_id, unfiled, inbox, status, created_at, updated_at`

func scanView(row pgx.Row) (store.SavedView, error) {
	var (
		v      store.SavedView
		sort   string
		status *string
	)
	if err := row.Scan(&v.ID, &v.UserID, &v.Name, &v.Query, &sort, &v.TopicID, &v.FolderID, &v.Unfiled, &v.Inbox,
		&status, &v.CreatedAt, &v.UpdatedAt); err != nil {
		return store.SavedView{}, err
	}
	v.Sort = store.Sort(sort)
	if status != nil {
		st := store.Status(*status)
		v.Status = &st
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, nil
}

// viewRefs returns a view's topic and folder ids in canonical form; an id
// that is not a UUID names no topic or folder, which is the caller's
// mistake.
func viewRefs(op string, v *store.SavedView) (topic, folder *string, err error) {
	for _, ref := range []struct {
		in  *string
		out **string
	}{{v.TopicID, &topic}, {v.FolderID, &folder}} {
		if ref.in == nil {
			continue
		}
		id, ok := parseID(*ref.in)
		if !ok {
			return nil, nil, fmt.Errorf("postgres: %s: id %q is not a UUID", op, *ref.in)
		}
		*ref.out = &id
	}
	return topic, folder, nil
}

// viewStatus is a view's status filter as stored (NULL: any).
func viewStatus(s *store.Status) *string {
	if s == nil {
		return nil
	}
	v := string(*s)
	return &v
}

// CreateView inserts v (an empty ID gets a fresh UUID, zero times are now)
// and writes back what was stored. A name the user already has, in any
// case, gives store.ErrConflict; a missing user store.ErrNotFound.
func (s *Store) CreateView(ctx context.Context, v *store.SavedView) error {
	const op = "create view"
	if err := store.CheckName(v.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, err := newID(op, v.ID)
	if err != nil {
		return err
	}
	userID, ok := parseID(v.UserID)
	if !ok {
		return notFound(op + ": user")
	}
	topic, folder, err := viewRefs(op, v)
	if err != nil {
		return err
	}
	created := s.timestamp(v.CreatedAt)
	updated := created
	if !v.UpdatedAt.IsZero() {
		updated = s.timestamp(v.UpdatedAt)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO saved_views (id, user_id, name, name_key, query, sort, topic_id, folder_id,
		unfiled, inbox, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		id, userID, v.Name, store.FoldKey(v.Name), v.Query, string(v.Sort), topic, folder, v.Unfiled, v.Inbox,
		viewStatus(v.Status), created, updated)
	if err != nil {
		return wrap(op, err)
	}
	v.ID, v.UserID, v.TopicID, v.FolderID, v.CreatedAt, v.UpdatedAt = id, userID, topic, folder, created, updated
	return nil
}

// View returns one of userID's views.
func (s *Store) View(ctx context.Context, userID, id string) (store.SavedView, error) {
	const op = "get view"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return store.SavedView{}, notFound(op)
	}
	v, err := scanView(s.pool.QueryRow(ctx,
		"SELECT "+viewColumns+" FROM saved_views WHERE id = $1 AND user_id = $2", canon, user))
	if err != nil {
		return store.SavedView{}, wrap(op, err)
	}
	return v, nil
}

// ViewByName finds a user's view by name, case-insensitively.
func (s *Store) ViewByName(ctx context.Context, userID, name string) (store.SavedView, error) {
	const op = "get view by name"
	user, ok := parseID(userID)
	if !ok {
		return store.SavedView{}, notFound(op)
	}
	v, err := scanView(s.pool.QueryRow(ctx, "SELECT "+viewColumns+
		" FROM saved_views WHERE user_id = $1 AND name_key = $2", user, store.FoldKey(name)))
	if err != nil {
		return store.SavedView{}, wrap(op, err)
	}
	return v, nil
}

// Views lists a user's views ordered by name (case-insensitively).
func (s *Store) Views(ctx context.Context, userID string) ([]store.SavedView, error) {
	const op = "list views"
	views := []store.SavedView{}
	user, ok := parseID(userID)
	if !ok {
		return views, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT "+viewColumns+
		" FROM saved_views WHERE user_id = $1 ORDER BY name_key, id", user)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		views = append(views, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return views, nil
}

// UpdateView saves v's name, query, order and filters. store.ErrConflict
// when the new name (in any case) is another of the user's views;
// store.ErrNotFound when the view is not v.UserID's.
func (s *Store) UpdateView(ctx context.Context, v *store.SavedView) error {
	const op = "update view"
	if err := store.CheckName(v.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, ok1 := parseID(v.ID)
	user, ok2 := parseID(v.UserID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	topic, folder, err := viewRefs(op, v)
	if err != nil {
		return err
	}
	updated := s.timestamp(time.Time{})
	tag, err := s.pool.Exec(ctx, `UPDATE saved_views SET name = $2, name_key = $3, query = $4, sort = $5,
		topic_id = $6, folder_id = $7, unfiled = $8, inbox = $9, status = $10, updated_at = $11
		WHERE id = $1 AND user_id = $12`,
		id, v.Name, store.FoldKey(v.Name), v.Query, string(v.Sort), topic, folder, v.Unfiled, v.Inbox,
		viewStatus(v.Status), updated, user)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	v.UpdatedAt = updated
	return nil
}

// DeleteView removes one of userID's views.
func (s *Store) DeleteView(ctx context.Context, userID, id string) error {
	const op = "delete view"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, "DELETE FROM saved_views WHERE id = $1 AND user_id = $2", canon, user)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}
