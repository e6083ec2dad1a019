package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is a bulk loader.
var _ store.BulkLoader = (*Store)(nil)

// LoadDocuments loads docs in write transactions of store.BulkBatch
// documents, each with three prepared inserts (documents, document_texts,
// document_topics): the same rows CreateDocument and SetDocumentTopics
// write, so the same triggers maintain the search index and the counts.
// At the end the WAL is checkpointed into the database file, so the first
// reader after a large load does not pay for it.
func (s *Store) LoadDocuments(ctx context.Context, docs iter.Seq[store.BulkDocument]) error {
	batch := make([]store.BulkDocument, 0, store.BulkBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.write(ctx, func(tx *sql.Tx) error { return s.loadBatch(ctx, tx, batch) })
		batch = batch[:0]
		return err
	}
	var err error
	for d := range docs {
		batch = append(batch, d)
		if len(batch) == store.BulkBatch {
			if err = flush(); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("sqlite: load documents: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("sqlite: load documents: checkpoint: %w", err)
	}
	return nil
}

// loadBatch inserts one batch in tx.
func (s *Store) loadBatch(ctx context.Context, tx *sql.Tx, batch []store.BulkDocument) error {
	insDoc, err := tx.PrepareContext(ctx, `INSERT INTO documents (
			id, user_id, folder_id, filename, filename_key, object_key, content_type,
			size_bytes, sha256, storage_backend, page_count, language, status, error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insDoc.Close()
	insText, err := tx.PrepareContext(ctx, `INSERT INTO document_texts (document_id, body) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer insText.Close()
	insLink, err := tx.PrepareContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (document_id, topic_id) DO UPDATE SET source = excluded.source, confidence = excluded.confidence`)
	if err != nil {
		return err
	}
	defer insLink.Close()
	owners := ownerCache{tx: tx}
	now := s.stamp()
	for i := range batch {
		d := &batch[i].Document
		if d.ID == "" {
			d.ID = uuid.NewString()
		}
		status, err := store.NewStatus(d.Status)
		if err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		d.Status = status
		if d.FolderID != nil {
			if err := owners.check(ctx, "folders", "folder", *d.FolderID, d.UserID); err != nil {
				return err
			}
		}
		created, updated := orNow(d.CreatedAt, now), orNow(d.UpdatedAt, now)
		if _, err := insDoc.ExecContext(ctx, d.ID, d.UserID, d.FolderID, d.Filename, store.FoldKey(d.Filename),
			d.ObjectKey, d.ContentType, d.SizeBytes, d.SHA256, d.StorageBackend, d.PageCount, d.Language,
			string(d.Status), d.Error, created.UnixMicro(), updated.UnixMicro()); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, classify(err))
		}
		d.CreatedAt, d.UpdatedAt = created, updated
		if d.ExtractedText != "" {
			if _, err := insText.ExecContext(ctx, d.ID, d.ExtractedText); err != nil {
				return fmt.Errorf("document %s: text: %w", d.ID, err)
			}
		}
		links, err := store.CleanLinks(batch[i].Links)
		if err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		for _, l := range links {
			if err := owners.check(ctx, "topics", "topic", l.TopicID, d.UserID); err != nil {
				return err
			}
			if _, err := insLink.ExecContext(ctx, d.ID, l.TopicID, string(l.Source), l.Confidence); err != nil {
				return fmt.Errorf("document %s: link: %w", d.ID, classify(err))
			}
		}
	}
	return nil
}

// ownerCache checks that topics and folders belong to a document's user,
// asking the database once per row of a batch.
type ownerCache struct {
	tx    *sql.Tx
	owner map[string]string // table/id → user_id
}

// check returns nil when the row id of table belongs to userID, an error
// wrapping store.ErrNotFound otherwise.
func (c *ownerCache) check(ctx context.Context, table, what, id, userID string) error {
	if c.owner == nil {
		c.owner = map[string]string{}
	}
	key := table + "/" + id
	owner, ok := c.owner[key]
	if !ok {
		// table is one of two constants, never input.
		err := c.tx.QueryRowContext(ctx, `SELECT user_id FROM `+table+` WHERE id = ?`, id).Scan(&owner)
		if err != nil {
			return notFound(err, what, id)
		}
		c.owner[key] = owner
	}
	if owner != userID {
		return fmt.Errorf("%s %q of another user: %w", what, id, store.ErrNotFound)
	}
	return nil
}
