package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// transferLink is one topic link of a document being transferred, with
// what it takes to find or make the new owner's topic of that name.
type transferLink struct {
	source, name, nameKey, description, color string
	confidence                                float64
}

// TransferDocument gives a document to another user (store.Accounts).
func (s *Store) TransferDocument(ctx context.Context, id, to, objectKey string) error {
	now := s.stamp().UnixMicro()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var sum string
		if err := tx.QueryRowContext(ctx, `SELECT sha256 FROM documents WHERE id = ?`, id).Scan(&sum); err != nil {
			return notFound(err, "document", id)
		}
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE user_id = ? AND sha256 = ?`, to, sum).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return fmt.Errorf("%w: the same file is already in the other library", store.ErrConflict)
		}
		rows, err := tx.QueryContext(ctx, `SELECT dt.source, dt.confidence, t.name, t.name_key, t.description, t.color
			FROM document_topics dt JOIN topics t ON t.id = dt.topic_id WHERE dt.document_id = ?`, id)
		if err != nil {
			return err
		}
		var links []transferLink
		for rows.Next() {
			var l transferLink
			if err := rows.Scan(&l.source, &l.confidence, &l.name, &l.nameKey, &l.description, &l.color); err != nil {
				rows.Close()
				return err
			}
			links = append(links, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM document_topics WHERE document_id = ?`, `DELETE FROM topic_suggestions WHERE document_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET user_id = ?, object_key = ?, folder_id = NULL, updated_at = ? WHERE id = ?`,
			to, objectKey, now, id); err != nil {
			return classify(err)
		}
		// Its jobs run with the new owner's settings and classifier.
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET user_id = ? WHERE document_id = ?`, to, id); err != nil {
			return err
		}
		for _, l := range links {
			var topic string
			err := tx.QueryRowContext(ctx, `SELECT id FROM topics WHERE user_id = ? AND name_key = ?`, to, l.nameKey).Scan(&topic)
			if errors.Is(err, sql.ErrNoRows) {
				topic = uuid.NewString()
				_, err = tx.ExecContext(ctx, `INSERT INTO topics (id, user_id, name, name_key, description, color, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, topic, to, l.name, l.nameKey, l.description, l.color, now)
			}
			if err != nil {
				return classify(err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence) VALUES (?, ?, ?, ?)`,
				id, topic, l.source, l.confidence); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: transfer document: %w", err)
	}
	return nil
}
