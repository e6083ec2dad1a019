package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// supersededNote is the last error of a job ended because its document's
// bytes were replaced.
const supersededNote = "superseded: the document's content was replaced"

// ReplaceDocumentContent points document id at other bytes in one write
// transaction: the content columns take c's values, the text and what else
// came from the old bytes are cleared, the status is stored again, the
// document's open jobs end as done (a worker still holding one gets
// ErrConflict from FinishJob) and jobs are enqueued. The same SHA256 as
// another document of the user gives ErrConflict; nothing changes then.
func (s *Store) ReplaceDocumentContent(ctx context.Context, userID, id string, c store.DocumentContent, jobs ...store.Job) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		res, err := tx.ExecContext(ctx, `UPDATE documents SET object_key = ?, content_type = ?,
				size_bytes = ?, sha256 = ?, storage_backend = ?, page_count = 0, language = '',
				status = ?, error = '', updated_at = ?
			WHERE id = ? AND user_id = ?`,
			c.ObjectKey, c.ContentType, c.SizeBytes, c.SHA256, c.StorageBackend,
			string(store.StatusStored), now.UnixMicro(), id, userID)
		if err != nil {
			return classify(err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound(sql.ErrNoRows, "document", id)
		}
		if err := saveText(ctx, tx, id, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', last_error = ?,
				lease_owner = '', lease_until = 0, updated_at = ?
			WHERE document_id = ? AND state IN ('queued', 'running')`,
			supersededNote, now.UnixMicro(), id); err != nil {
			return err
		}
		for _, j := range jobs {
			j.UserID = userID
			if err := insertJob(ctx, tx, &j, id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: replace content of document: %w", err)
	}
	return nil
}
