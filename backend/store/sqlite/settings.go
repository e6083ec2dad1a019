package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Settings returns a user's settings; an empty map if none were saved.
func (s *Store) Settings(ctx context.Context, userID string) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: settings: %w", err)
	}
	defer rows.Close()
	values := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("sqlite: settings: %w", err)
		}
		values[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: settings: %w", err)
	}
	return values, nil
}

// SaveSettings upserts the given keys in one transaction; other keys are
// kept. An unknown user gives ErrNotFound (through the foreign key).
func (s *Store) SaveSettings(ctx context.Context, userID string, values map[string]string) error {
	if len(values) == 0 {
		return ctx.Err()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO settings (user_id, key, value) VALUES (?, ?, ?)
			ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for k, v := range values {
			if _, err := stmt.ExecContext(ctx, userID, k, v); err != nil {
				return classify(err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: save settings: %w", err)
	}
	return nil
}
