package postgres

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is a bulk loader.
var _ store.BulkLoader = (*Store)(nil)

// bulkDocumentColumns are the columns LoadDocuments copies into documents.
var bulkDocumentColumns = []string{"id", "user_id", "folder_id", "filename", "filename_key", "object_key",
	"content_type", "size_bytes", "sha256", "storage_backend", "extracted_text", "page_count", "language",
	"status", "error", "created_at", "updated_at"}

// LoadDocuments loads docs with COPY, store.BulkBatch documents per
// transaction: the same rows CreateDocument and SetDocumentTopics write,
// so the same triggers index each batch (one statement each) and keep the
// topic counts. After each batch the search table is vacuumed, as
// autovacuum would do between batches of a real import, and at the end
// the database is vacuumed and analyzed, so the planner knows the new
// sizes before the first query.
func (s *Store) LoadDocuments(ctx context.Context, docs iter.Seq[store.BulkDocument]) error {
	const op = "load documents"
	batch := make([]store.BulkDocument, 0, store.BulkBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.loadBatch(ctx, tx, batch) })
		batch = batch[:0]
		if err != nil {
			return err
		}
		_, err = s.pool.Exec(ctx, "VACUUM document_search")
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
		return wrap(op, err)
	}
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return wrap(op+": analyze", err)
	}
	return nil
}

// loadBatch copies one batch in tx.
func (s *Store) loadBatch(ctx context.Context, tx pgx.Tx, batch []store.BulkDocument) error {
	rows := make([][]any, 0, len(batch))
	var links [][]any
	owners := map[string]string{} // topic id → the user of the documents linking it
	now := s.timestamp(s.now())
	for i := range batch {
		d := &batch[i].Document
		id, err := newID("load document", d.ID)
		if err != nil {
			return err
		}
		userID, ok := parseID(d.UserID)
		if !ok {
			return fmt.Errorf("document %s: user %q: %w", id, d.UserID, store.ErrNotFound)
		}
		var folderID *string
		if d.FolderID != nil {
			f, ok := parseID(*d.FolderID)
			if !ok {
				return fmt.Errorf("document %s: folder %q: %w", id, *d.FolderID, store.ErrNotFound)
			}
			folderID = &f
		}
		if d.Status, err = store.NewStatus(d.Status); err != nil {
			return fmt.Errorf("document %s: %w", id, err)
		}
		created, updated := now, now
		if !d.CreatedAt.IsZero() {
			created = s.timestamp(d.CreatedAt)
		}
		if !d.UpdatedAt.IsZero() {
			updated = s.timestamp(d.UpdatedAt)
		}
		d.ID, d.CreatedAt, d.UpdatedAt = id, created, updated
		rows = append(rows, []any{id, userID, folderID, []byte(d.Filename), store.FoldKey(d.Filename),
			d.ObjectKey, d.ContentType, d.SizeBytes, d.SHA256, d.StorageBackend, cleanText(d.ExtractedText),
			d.PageCount, cleanText(d.Language), string(d.Status), cleanText(d.Error), created, updated})

		// Links cleaned as SetDocumentTopics cleans them, on canonical ids
		// (a topic given twice keeps its last link).
		mine := make([]store.TopicLink, len(batch[i].Links))
		for j, l := range batch[i].Links {
			topicID, ok := parseID(l.TopicID)
			if !ok {
				return fmt.Errorf("document %s: topic %q: %w", id, l.TopicID, store.ErrNotFound)
			}
			l.TopicID = topicID
			mine[j] = l
		}
		mine, err = store.CleanLinks(mine)
		if err != nil {
			return fmt.Errorf("document %s: %w", id, err)
		}
		for _, l := range mine {
			if prev, seen := owners[l.TopicID]; seen && prev != userID {
				return fmt.Errorf("topic %s linked by documents of two users: %w", l.TopicID, store.ErrNotFound)
			}
			owners[l.TopicID] = userID
			links = append(links, []any{id, l.TopicID, string(l.Source), l.Confidence})
		}
	}
	if err := lockTopics(ctx, tx, owners); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"documents"}, bulkDocumentColumns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy documents: %w", err)
	}
	if len(links) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"document_topics"},
			[]string{"document_id", "topic_id", "source", "confidence"}, pgx.CopyFromRows(links)); err != nil {
			return fmt.Errorf("copy topic links: %w", err)
		}
	}
	return nil
}

// lockTopics locks the topics a batch links in id order, as the count
// triggers do (0001_init.sql), and checks each belongs to the user whose
// documents link it.
func lockTopics(ctx context.Context, tx pgx.Tx, owners map[string]string) error {
	if len(owners) == 0 {
		return nil
	}
	ids := make([]string, 0, len(owners))
	for id := range owners {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows, err := tx.Query(ctx, `SELECT id, user_id FROM topics WHERE id = ANY($1::uuid[])
		ORDER BY id FOR NO KEY UPDATE`, ids)
	if err != nil {
		return err
	}
	found := map[string]string{}
	for rows.Next() {
		var id, user string
		if err := rows.Scan(&id, &user); err != nil {
			rows.Close()
			return err
		}
		found[id] = user
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if found[id] != owners[id] {
			return fmt.Errorf("topic %s: %w", id, store.ErrNotFound)
		}
	}
	return nil
}
