package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// viewColumns are the columns scanView reads, in order.
const viewColumns = `id, user_id, name, query, sort, topic_id, folder_id, unfiled, inbox, status, created_at, updated_at`

// scanView reads viewColumns.
func scanView(sc rowScanner) (store.SavedView, error) {
	var (
		v                 store.SavedView
		sort              string
		topic, folder, st sql.NullString
		unfiled, inbox    int
		created, updated  int64
	)
	if err := sc.Scan(&v.ID, &v.UserID, &v.Name, &v.Query, &sort, &topic, &folder, &unfiled, &inbox, &st, &created, &updated); err != nil {
		return store.SavedView{}, err
	}
	v.Sort = store.Sort(sort)
	if topic.Valid {
		v.TopicID = &topic.String
	}
	if folder.Valid {
		v.FolderID = &folder.String
	}
	if st.Valid {
		s := store.Status(st.String)
		v.Status = &s
	}
	v.Unfiled, v.Inbox = unfiled == 1, inbox == 1
	v.CreatedAt, v.UpdatedAt = fromMicros(created), fromMicros(updated)
	return v, nil
}

// viewStatus is a view's status filter as stored (NULL: any).
func viewStatus(s *store.Status) any {
	if s == nil {
		return nil
	}
	return string(*s)
}

// CreateView inserts v. A name the user already has, in any case, gives
// ErrConflict. ID defaults to a new UUID and the times to now; all are
// written back to v.
func (s *Store) CreateView(ctx context.Context, v *store.SavedView) error {
	if err := store.CheckName(v.Name); err != nil {
		return fmt.Errorf("sqlite: create view: %w", err)
	}
	if v.ID == "" {
		v.ID = uuid.NewString()
	}
	now := s.stamp()
	created := orNow(v.CreatedAt, now)
	updated := orNow(v.UpdatedAt, created)
	if _, err := s.writeCount(ctx, `INSERT INTO saved_views (id, user_id, name, name_key, query, sort, topic_id, folder_id,
		unfiled, inbox, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.UserID, v.Name, store.FoldKey(v.Name), v.Query, string(v.Sort), v.TopicID, v.FolderID,
		v.Unfiled, v.Inbox, viewStatus(v.Status), created.UnixMicro(), updated.UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: create view %q: %w", v.Name, classify(err))
	}
	v.CreatedAt, v.UpdatedAt = created, updated
	return nil
}

// View returns one of userID's views.
func (s *Store) View(ctx context.Context, userID, id string) (store.SavedView, error) {
	v, err := scanView(s.r.QueryRowContext(ctx,
		`SELECT `+viewColumns+` FROM saved_views WHERE id = ? AND user_id = ?`, id, userID))
	if err != nil {
		return store.SavedView{}, fmt.Errorf("sqlite: %w", notFound(err, "view", id))
	}
	return v, nil
}

// ViewByName finds a user's view by name, compared by store.FoldKey.
func (s *Store) ViewByName(ctx context.Context, userID, name string) (store.SavedView, error) {
	v, err := scanView(s.r.QueryRowContext(ctx,
		`SELECT `+viewColumns+` FROM saved_views WHERE user_id = ? AND name_key = ?`, userID, store.FoldKey(name)))
	if err != nil {
		return store.SavedView{}, fmt.Errorf("sqlite: %w", notFound(err, "view", name))
	}
	return v, nil
}

// Views lists a user's views by folded name.
func (s *Store) Views(ctx context.Context, userID string) ([]store.SavedView, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+viewColumns+`
		FROM saved_views WHERE user_id = ? ORDER BY name_key, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: views: %w", err)
	}
	defer rows.Close()
	views := []store.SavedView{}
	for rows.Next() {
		v, err := scanView(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: views: %w", err)
		}
		views = append(views, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: views: %w", err)
	}
	return views, nil
}

// UpdateView saves v's name, query, order and filters. A name another
// view of the user has, in any case, gives ErrConflict; changing the case
// of the view's own name is allowed. The view must be v.UserID's
// (ErrNotFound).
func (s *Store) UpdateView(ctx context.Context, v *store.SavedView) error {
	if err := store.CheckName(v.Name); err != nil {
		return fmt.Errorf("sqlite: update view: %w", err)
	}
	updated := s.stamp()
	n, err := s.writeCount(ctx, `UPDATE saved_views SET name = ?, name_key = ?, query = ?, sort = ?, topic_id = ?,
		folder_id = ?, unfiled = ?, inbox = ?, status = ?, updated_at = ? WHERE id = ? AND user_id = ?`,
		v.Name, store.FoldKey(v.Name), v.Query, string(v.Sort), v.TopicID, v.FolderID, v.Unfiled, v.Inbox,
		viewStatus(v.Status), updated.UnixMicro(), v.ID, v.UserID)
	if err != nil {
		return fmt.Errorf("sqlite: update view %q: %w", v.Name, classify(err))
	}
	if n == 0 {
		return fmt.Errorf("sqlite: update view %q: %w", v.ID, store.ErrNotFound)
	}
	v.UpdatedAt = updated
	return nil
}

// DeleteView removes one of userID's views.
func (s *Store) DeleteView(ctx context.Context, userID, id string) error {
	n, err := s.writeCount(ctx, `DELETE FROM saved_views WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: delete view: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: delete view %q: %w", id, store.ErrNotFound)
	}
	return nil
}
