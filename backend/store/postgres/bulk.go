package postgres

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is a bulk loader.
var _ store.BulkLoader = (*Store)(nil)

// bulkDocumentColumns are the columns LoadDocuments copies into documents.
var bulkDocumentColumns = []string{"id", "user_id", "folder_id", "filename", "filename_key", "object_key",
	"content_type", "size_bytes", "sha256", "storage_backend", "extracted_text", "page_count", "language",
	"status", "error", "created_at", "updated_at"}

// bulkConns is how many transactions LoadDocuments runs at once. Most of
// a batch's time is PostgreSQL computing search vectors, one backend per
// connection; two keep two cores busy while the next batch is built.
const bulkConns = 2

// LoadDocuments loads docs with COPY, store.BulkBatch documents per
// transaction and up to bulkConns transactions at once: the same rows
// CreateDocument and SetDocumentTopics write, the same topic counts, and
// each document's search vector computed once, with its topic names
// (loadBatch). At the end the database is vacuumed and analyzed, so the
// planner knows the new sizes before the first query.
func (s *Store) LoadDocuments(ctx context.Context, docs iter.Seq[store.BulkDocument]) error {
	const op = "load documents"
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []store.BulkDocument)
	var wg sync.WaitGroup
	for range bulkConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return s.loadBatch(ctx, tx, batch) })
				if err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	send := func(batch []store.BulkDocument) bool {
		select {
		case batches <- batch:
			return true
		case <-ctx.Done():
			return false
		}
	}
	batch := make([]store.BulkDocument, 0, store.BulkBatch)
	for d := range docs {
		batch = append(batch, d)
		if len(batch) == store.BulkBatch {
			if !send(batch) {
				break
			}
			batch = make([]store.BulkDocument, 0, store.BulkBatch)
		}
	}
	if len(batch) > 0 {
		send(batch)
	}
	close(batches)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
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
	ids := make([]string, 0, len(batch))
	// links are the rows of document_topics; linkDocs and linkTopics the
	// same pairs as the arrays the search rows are computed from.
	var links [][]any
	var linkDocs, linkTopics []string
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
		ids = append(ids, id)
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
			linkDocs, linkTopics = append(linkDocs, id), append(linkTopics, l.TopicID)
		}
	}
	// The search rows are written here, not by the insert triggers
	// (0012_bulk_search.sql): the documents' vectors need the names of
	// topics that can only be linked once the documents exist. Until the
	// links, nothing locks the topics, so two loading transactions
	// compute vectors side by side; a topic renamed meanwhile is caught
	// under the lock below and its documents indexed again.
	if _, err := tx.Exec(ctx, "SET LOCAL docsift.search_deferred = 'on'"); err != nil {
		return err
	}
	names, err := topicNames(ctx, tx, slices.Collect(maps.Keys(owners)))
	if err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"documents"}, bulkDocumentColumns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy documents: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO document_search (document_id, user_id, created_at, search)
		SELECT d.id, d.user_id, d.created_at,
		       docsift_search_vector(d.filename_key, coalesce(n.names, ''), d.extracted_text)
		FROM documents d
		LEFT JOIN (SELECT x.doc, string_agg(t.name, ' ' ORDER BY t.name_key, t.id) AS names
		             FROM unnest($2::uuid[], $3::uuid[]) AS x(doc, topic)
		             JOIN topics t ON t.id = x.topic
		            GROUP BY x.doc) n ON n.doc = d.id
		WHERE d.id = ANY ($1::uuid[])`, ids, linkDocs, linkTopics); err != nil {
		return fmt.Errorf("index documents: %w", err)
	}
	locked, err := lockTopics(ctx, tx, owners)
	if err != nil {
		return err
	}
	if len(links) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"document_topics"},
			[]string{"document_id", "topic_id", "source", "confidence"}, pgx.CopyFromRows(links)); err != nil {
			return fmt.Errorf("copy topic links: %w", err)
		}
	}
	if !maps.Equal(names, locked) {
		if _, err := tx.Exec(ctx, "SELECT docsift_refresh_search($1::uuid[])", ids); err != nil {
			return fmt.Errorf("index documents again: %w", err)
		}
	}
	return nil
}

// topicNames reads the names of the given topics, by id.
func topicNames(ctx context.Context, tx pgx.Tx, ids []string) (map[string]string, error) {
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, name FROM topics WHERE id = ANY ($1::uuid[])`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// lockTopics locks the topics a batch links in id order, as the count
// triggers do (0001_init.sql), checks each belongs to the user whose
// documents link it, and returns their names as locked.
func lockTopics(ctx context.Context, tx pgx.Tx, owners map[string]string) (map[string]string, error) {
	names := map[string]string{}
	if len(owners) == 0 {
		return names, nil
	}
	ids := slices.Sorted(maps.Keys(owners))
	rows, err := tx.Query(ctx, `SELECT id, user_id, name FROM topics WHERE id = ANY($1::uuid[])
		ORDER BY id FOR NO KEY UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	found := map[string]string{}
	for rows.Next() {
		var id, user, name string
		if err := rows.Scan(&id, &user, &name); err != nil {
			rows.Close()
			return nil, err
		}
		found[id], names[id] = user, name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if found[id] != owners[id] {
			return nil, fmt.Errorf("topic %s: %w", id, store.ErrNotFound)
		}
	}
	return names, nil
}
