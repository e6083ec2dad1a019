package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// defaultUserName is the name of the user DefaultUser creates.
const defaultUserName = "local"

// DefaultUser returns the local user, creating it on first call. The
// partial unique index users_one_default makes concurrent first calls
// agree on one user.
func (s *Store) DefaultUser(ctx context.Context) (store.User, error) {
	u, err := s.defaultUser(ctx, s.r)
	if !errors.Is(err, store.ErrNotFound) {
		return u, err
	}
	if _, err := s.writeCount(ctx,
		`INSERT INTO users (id, name, is_default, created_at) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING`,
		uuid.NewString(), defaultUserName, s.stamp().UnixMicro()); err != nil {
		return store.User{}, fmt.Errorf("sqlite: create default user: %w", err)
	}
	return s.defaultUser(ctx, s.w)
}

// defaultUser reads the default user through q.
func (s *Store) defaultUser(ctx context.Context, q queryer) (store.User, error) {
	var u store.User
	var created int64
	err := q.QueryRowContext(ctx, `SELECT id, name, created_at FROM users WHERE is_default = 1`).
		Scan(&u.ID, &u.Name, &created)
	if err != nil {
		return store.User{}, fmt.Errorf("sqlite: default user: %w", notFound(err, "user", defaultUserName))
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}

// CreateUser inserts another user. A used ID gives ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	created := orNow(u.CreatedAt, s.stamp())
	if _, err := s.writeCount(ctx, `INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)`,
		u.ID, u.Name, created.UnixMicro()); err != nil {
		return fmt.Errorf("sqlite: create user: %w", classify(err))
	}
	u.CreatedAt = created
	return nil
}

// User returns the user with id.
func (s *Store) User(ctx context.Context, id string) (store.User, error) {
	return s.userWhere(ctx, `id = ?`, id, id)
}

// UserByName finds a user by name, compared case-insensitively (the
// oldest, should two names differ only in case).
func (s *Store) UserByName(ctx context.Context, name string) (store.User, error) {
	return s.userWhere(ctx, `lower(name) = lower(?)`, name, name)
}

// userWhere reads the oldest user matching where (one argument).
func (s *Store) userWhere(ctx context.Context, where string, arg any, what string) (store.User, error) {
	var u store.User
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT id, name, created_at FROM users WHERE `+where+`
		ORDER BY created_at, id LIMIT 1`, arg).Scan(&u.ID, &u.Name, &created)
	if err != nil {
		return store.User{}, fmt.Errorf("sqlite: %w", notFound(err, "user", what))
	}
	u.CreatedAt = fromMicros(created)
	return u, nil
}

// Users lists every user, oldest first.
func (s *Store) Users(ctx context.Context) ([]store.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, created_at FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", err)
	}
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		var u store.User
		var created int64
		if err := rows.Scan(&u.ID, &u.Name, &created); err != nil {
			return nil, fmt.Errorf("sqlite: users: %w", err)
		}
		u.CreatedAt = fromMicros(created)
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: users: %w", err)
	}
	return users, nil
}
