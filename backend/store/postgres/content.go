package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// supersededNote is the last error of a job ended because its document's
// bytes were replaced.
const supersededNote = "superseded: the document's content was replaced"

// ReplaceDocumentContent points document id at other bytes in one
// transaction: the content columns take c's values, the text and what else
// came from the old bytes are cleared, the status is stored again, the
// document's open jobs end as done (a worker still holding one gets
// store.ErrConflict from FinishJob) and jobs are enqueued. The same SHA256
// as another document of the user gives store.ErrConflict; nothing changes
// then.
func (s *Store) ReplaceDocumentContent(ctx context.Context, userID, id string, c store.DocumentContent, jobs ...store.Job) error {
	const op = "replace document content"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	prepared := make([]store.Job, len(jobs))
	for i, j := range jobs {
		j.DocumentID, j.UserID = canon, user
		var err error
		if prepared[i], err = s.prepareJob(op, j); err != nil {
			return err
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The document first, then its jobs: the order FinishJob and
		// DeleteDocument lock them in.
		tag, err := tx.Exec(ctx, `UPDATE documents SET object_key = $2, content_type = $3,
				size_bytes = $4, sha256 = $5, storage_backend = $6, extracted_text = '',
				page_count = 0, language = '', status = $7, error = '', updated_at = $8
			WHERE id = $1 AND user_id = $9`,
			canon, c.ObjectKey, c.ContentType, c.SizeBytes, c.SHA256, c.StorageBackend,
			string(store.StatusStored), s.timestamp(s.now()), user)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		if _, err := tx.Exec(ctx, `UPDATE jobs SET state = 'done', last_error = $2,
				lease_owner = '', lease_until = NULL, updated_at = clock_timestamp()
			WHERE document_id = $1 AND state IN ('queued', 'running')`, canon, supersededNote); err != nil {
			return err
		}
		for i := range prepared {
			if err := insertJob(ctx, tx, &prepared[i]); err != nil {
				return fmt.Errorf("enqueue %s job: %w", prepared[i].Kind, err)
			}
		}
		return nil
	})
	return wrap(op, err)
}
