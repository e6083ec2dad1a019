package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// defaultUserName is the name given to the local user on creation.
const defaultUserName = "local"

// DefaultUser returns the local user, creating it on first call. Concurrent
// first calls, even from several processes, create exactly one.
func (s *Store) DefaultUser(ctx context.Context) (store.User, error) {
	const op = "default user"
	const find = `SELECT id, name, created_at FROM users WHERE is_default`
	var u store.User
	err := s.pool.QueryRow(ctx, find).Scan(&u.ID, &u.Name, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = s.pool.Exec(ctx, `INSERT INTO users (id, name, is_default, created_at)
			VALUES ($1, $2, true, $3)
			ON CONFLICT (is_default) WHERE is_default DO NOTHING`,
			uuid.NewString(), defaultUserName, s.timestamp(time.Time{}))
		if err != nil {
			return store.User{}, wrap(op, err)
		}
		err = s.pool.QueryRow(ctx, find).Scan(&u.ID, &u.Name, &u.CreatedAt)
	}
	if err != nil {
		return store.User{}, wrap(op, err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// CreateUser inserts another user. An empty ID gets a fresh UUID, a zero
// CreatedAt is now; u gets what was stored. A used ID gives
// store.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *store.User) error {
	const op = "create user"
	id, err := newID(op, u.ID)
	if err != nil {
		return err
	}
	created := s.timestamp(u.CreatedAt)
	if _, err := s.pool.Exec(ctx, "INSERT INTO users (id, name, created_at) VALUES ($1, $2, $3)",
		id, u.Name, created); err != nil {
		return wrap(op, err)
	}
	u.ID, u.CreatedAt = id, created
	return nil
}

// User returns the user with id.
func (s *Store) User(ctx context.Context, id string) (store.User, error) {
	canon, ok := parseID(id)
	if !ok {
		return store.User{}, notFound("get user")
	}
	return s.userWhere(ctx, "get user", "id = $1", canon)
}

// UserByName finds a user by name, compared case-insensitively (the
// oldest, should two names differ only in case).
func (s *Store) UserByName(ctx context.Context, name string) (store.User, error) {
	return s.userWhere(ctx, "get user by name", "lower(name) = lower($1)", name)
}

// userWhere reads the oldest user matching where (one argument).
func (s *Store) userWhere(ctx context.Context, op, where string, arg any) (store.User, error) {
	var u store.User
	err := s.pool.QueryRow(ctx, "SELECT id, name, created_at FROM users WHERE "+where+
		" ORDER BY created_at, id LIMIT 1", arg).Scan(&u.ID, &u.Name, &u.CreatedAt)
	if err != nil {
		return store.User{}, wrap(op, err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// Users lists every user, oldest first.
func (s *Store) Users(ctx context.Context) ([]store.User, error) {
	const op = "list users"
	rows, err := s.pool.Query(ctx, "SELECT id, name, created_at FROM users ORDER BY created_at, id")
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		var u store.User
		if err := rows.Scan(&u.ID, &u.Name, &u.CreatedAt); err != nil {
			return nil, wrap(op, err)
		}
		u.CreatedAt = u.CreatedAt.UTC()
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return users, nil
}
