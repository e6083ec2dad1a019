package postgres

import (
	"context"
)

// Settings returns a user's settings; an empty map if none were saved.
func (s *Store) Settings(ctx context.Context, userID string) (map[string]string, error) {
	const op = "get settings"
	values := map[string]string{}
	user, ok := parseID(userID)
	if !ok {
		return values, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT key, value FROM settings WHERE user_id = $1", user)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, wrap(op, err)
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return values, nil
}

// SaveSettings sets the given keys of a user's settings in one statement;
// keys not in values are kept. A missing user gives store.ErrNotFound.
func (s *Store) SaveSettings(ctx context.Context, userID string, values map[string]string) error {
	const op = "save settings"
	user, ok := parseID(userID)
	if !ok {
		return notFound(op + ": user")
	}
	if len(values) == 0 {
		return nil
	}
	keys := make([]string, 0, len(values))
	vals := make([]string, 0, len(values))
	for k, v := range values {
		keys = append(keys, k)
		vals = append(vals, v)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO settings (user_id, key, value)
		SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
		ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value`, user, keys, vals)
	return wrap(op, err)
}
