package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
	const op = "transfer document"
	did, ok1 := parseID(id)
	uid, ok2 := parseID(to)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	now := s.timestamp(time.Time{})
	return wrap(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var sum string
		if err := tx.QueryRow(ctx, `SELECT sha256 FROM documents WHERE id = $1 FOR UPDATE`, did).Scan(&sum); err != nil {
			return err
		}
		var dup int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM documents WHERE user_id = $1 AND sha256 = $2`, uid, sum).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return fmt.Errorf("%w: the same file is already in the other library", store.ErrConflict)
		}
		rows, err := tx.Query(ctx, `SELECT dt.source, dt.confidence, t.name, t.name_key, t.description, t.color
			FROM document_topics dt JOIN topics t ON t.id = dt.topic_id WHERE dt.document_id = $1`, did)
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
		for _, q := range []string{`DELETE FROM document_topics WHERE document_id = $1`, `DELETE FROM topic_suggestions WHERE document_id = $1`} {
			if _, err := tx.Exec(ctx, q, did); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE documents SET user_id = $1, object_key = $2, folder_id = NULL, updated_at = $3 WHERE id = $4`,
			uid, objectKey, now, did); err != nil {
			return err
		}
		// Its jobs run with the new owner's settings and classifier.
		if _, err := tx.Exec(ctx, `UPDATE jobs SET user_id = $1 WHERE document_id = $2`, uid, did); err != nil {
			return err
		}
		for _, l := range links {
			var topic string
			err := tx.QueryRow(ctx, `SELECT id FROM topics WHERE user_id = $1 AND name_key = $2`, uid, l.nameKey).Scan(&topic)
			if errors.Is(err, pgx.ErrNoRows) {
				topic = uuid.NewString()
				_, err = tx.Exec(ctx, `INSERT INTO topics (id, user_id, name, name_key, description, color, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7)`, topic, uid, l.name, l.nameKey, l.description, l.color, now)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence) VALUES ($1, $2, $3, $4)`,
				did, topic, l.source, l.confidence); err != nil {
				return err
			}
		}
		return nil
	}))
}
