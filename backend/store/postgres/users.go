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
