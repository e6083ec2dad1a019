package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// docColumns are the columns of a listed document, in scanDocument's order.
// filename_key rides along for the name-sort cursor.
const docColumns = `d.id, d.user_id, d.folder_id, d.filename, d.filename_key, d.object_key,
	d.content_type, d.size_bytes, d.sha256, d.storage_backend, d.page_count,
	d.language, d.status, d.error, d.created_at, d.updated_at`

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanDocument reads docColumns, and the extracted text after them when
// withText is set. It returns the document and its filename key.
func scanDocument(sc rowScanner, withText bool) (store.Document, string, error) {
	var (
		d                store.Document
		folder           sql.NullString
		key              string
		created, updated int64
	)
	dest := []any{&d.ID, &d.UserID, &folder, &d.Filename, &key, &d.ObjectKey,
		&d.ContentType, &d.SizeBytes, &d.SHA256, &d.StorageBackend, &d.PageCount,
		&d.Language, &d.Status, &d.Error, &created, &updated}
	if withText {
		dest = append(dest, &d.ExtractedText)
	}
	if err := sc.Scan(dest...); err != nil {
		return store.Document{}, "", err
	}
	if folder.Valid {
		d.FolderID = &folder.String
	}
	d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
	d.Topics = []store.DocumentTopic{}
	return d, key, nil
}

// getDocument reads one whole document (text and topics) through q.
func getDocument(ctx context.Context, q queryer, where string, args ...any) (store.Document, error) {
	row := q.QueryRowContext(ctx, `SELECT `+docColumns+`, coalesce(x.body, '')
		FROM documents d LEFT JOIN document_texts x ON x.document_id = d.id WHERE `+where, args...)
	d, _, err := scanDocument(row, true)
	if err != nil {
		return store.Document{}, err
	}
	docs := []store.Document{d}
	if err := attachTopics(ctx, q, docs); err != nil {
		return store.Document{}, err
	}
	return docs[0], nil
}

// CreateDocument inserts d and enqueues jobs in one transaction: either
// the document and all its jobs exist, or none of them. ID defaults to a
// new UUID, Status to stored, CreatedAt and UpdatedAt to now; the values
// stored are written back to d. A job's DocumentID defaults to d's.
func (s *Store) CreateDocument(ctx context.Context, d *store.Document, jobs ...store.Job) error {
	return s.CreateDocuments(ctx, []store.NewDocument{{Document: d, Jobs: jobs}})
}

// CreateDocuments inserts every document with its jobs in one transaction
// and one sync of the write-ahead log: all of them or none. Each is
// written as CreateDocument writes one.
func (s *Store) CreateDocuments(ctx context.Context, docs []store.NewDocument) error {
	if len(docs) == 0 {
		return nil
	}
	type stamped struct{ created, updated time.Time }
	times := make([]stamped, len(docs))
	now := s.stamp()
	for i, nd := range docs {
		d := nd.Document
		if d.ID == "" {
			d.ID = uuid.NewString()
		}
		status, err := store.NewStatus(d.Status)
		if err != nil {
			return fmt.Errorf("sqlite: create document: %w", err)
		}
		d.Status = status
		times[i] = stamped{orNow(d.CreatedAt, now), orNow(d.UpdatedAt, now)}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		for i, nd := range docs {
			if err := insertDocument(ctx, tx, nd.Document, times[i].created, times[i].updated); err != nil {
				return err
			}
			for _, j := range nd.Jobs {
				j.UserID = nd.Document.UserID
				if err := insertJob(ctx, tx, &j, nd.Document.ID, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: create document: %w", err)
	}
	for i, nd := range docs {
		nd.Document.CreatedAt, nd.Document.UpdatedAt = times[i].created, times[i].updated
	}
	return nil
}

// insertDocument writes one new document's row and text in tx.
func insertDocument(ctx context.Context, tx *sql.Tx, d *store.Document, created, updated time.Time) error {
	if d.FolderID != nil {
		if err := folderOwnedBy(ctx, tx, *d.FolderID, d.UserID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents (
			id, user_id, folder_id, filename, filename_key, object_key, content_type,
			size_bytes, sha256, storage_backend, page_count, language, status, error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.UserID, d.FolderID, d.Filename, store.FoldKey(d.Filename), d.ObjectKey, d.ContentType,
		d.SizeBytes, d.SHA256, d.StorageBackend, d.PageCount, d.Language,
		string(d.Status), d.Error, created.UnixMicro(), updated.UnixMicro()); err != nil {
		return classify(err)
	}
	return saveText(ctx, tx, d.ID, d.ExtractedText)
}

// saveText stores a document's extracted text; empty text is no row.
func saveText(ctx context.Context, q queryer, id, text string) error {
	if text == "" {
		_, err := q.ExecContext(ctx, `DELETE FROM document_texts WHERE document_id = ?`, id)
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO document_texts (document_id, body) VALUES (?, ?)
		ON CONFLICT (document_id) DO UPDATE SET body = excluded.body`, id, text)
	return err
}

// Document returns one of userID's documents with its topics and
// extracted text; another user's document is ErrNotFound.
func (s *Store) Document(ctx context.Context, userID, id string) (store.Document, error) {
	var d store.Document
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = getDocument(ctx, tx, `d.id = ? AND d.user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		d.Suggestions, d.Classification, err = loadSuggestions(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.Document{}, fmt.Errorf("sqlite: %w", notFound(err, "document", id))
	}
	return d, nil
}

// DocumentBySHA256 finds a user's document by content hash.
func (s *Store) DocumentBySHA256(ctx context.Context, userID, sha256 string) (store.Document, error) {
	var d store.Document
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = getDocument(ctx, tx, `d.user_id = ? AND d.sha256 = ?`, userID, sha256)
		return err
	})
	if err != nil {
		return store.Document{}, fmt.Errorf("sqlite: %w", notFound(err, "document with sha256", sha256))
	}
	// A document found here is answered as the import of a duplicate,
	// and a drop folder then deletes or moves its source: the row must be
	// durable first, and it may be another write's commit still waiting
	// for its sync. A ticket taken now is covered by a sync that began
	// after the row was read (durability.go); found duplicates are rare.
	if err := s.wal.wait(s.wal.ticket()); err != nil {
		return store.Document{}, fmt.Errorf("sqlite: document with sha256 %q: %w", sha256, err)
	}
	return d, nil
}

// UpdateDocument applies p, sets UpdatedAt to now, and returns the updated
// document. Only the columns p names are written; the text only when p
// has one.
func (s *Store) UpdateDocument(ctx context.Context, userID, id string, p store.DocumentPatch) (store.Document, error) {
	upd, err := newDocUpdate(p)
	if err != nil {
		return store.Document{}, fmt.Errorf("sqlite: update document %q: %w", id, err)
	}
	var d store.Document
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := documentOwnedBy(ctx, tx, id, userID); err != nil {
			return err
		}
		if err := upd.apply(ctx, tx, id, s.stamp()); err != nil {
			return err
		}
		var err error
		d, err = getDocument(ctx, tx, `d.id = ?`, id)
		return err
	})
	if err != nil {
		return store.Document{}, fmt.Errorf("sqlite: update document: %w", err)
	}
	return d, nil
}

// docUpdate is a checked DocumentPatch, ready to apply inside a write
// transaction (UpdateDocument, FinishJob).
type docUpdate struct{ p store.DocumentPatch }

// newDocUpdate checks p.
func newDocUpdate(p store.DocumentPatch) (docUpdate, error) {
	if err := p.Check(); err != nil {
		return docUpdate{}, err
	}
	return docUpdate{p}, nil
}

// empty reports whether the patch changes no field.
func (u docUpdate) empty() bool {
	p := u.p
	return p.Filename == nil && p.FolderID == nil && p.Status == nil && p.Error == nil &&
		p.ExtractedText == nil && p.PageCount == nil && p.Language == nil
}

// apply writes the patch to document id through tx, with updated_at set
// to now. A missing document, or a folder that is not its owner's, gives
// ErrNotFound.
func (u docUpdate) apply(ctx context.Context, tx *sql.Tx, id string, now time.Time) error {
	p := u.p
	sets := []string{"updated_at = ?"}
	args := []any{now.UnixMicro()}
	set := func(col string, v any) {
		sets = append(sets, col+" = ?")
		args = append(args, v)
	}
	if p.Filename != nil {
		set("filename", *p.Filename)
		set("filename_key", store.FoldKey(*p.Filename))
	}
	if p.FolderID != nil {
		set("folder_id", *p.FolderID)
	}
	if p.Status != nil {
		set("status", string(*p.Status))
	}
	if p.Error != nil {
		set("error", *p.Error)
	}
	if p.PageCount != nil {
		set("page_count", *p.PageCount)
	}
	if p.Language != nil {
		set("language", *p.Language)
	}
	var owner string
	if err := tx.QueryRowContext(ctx, `SELECT user_id FROM documents WHERE id = ?`, id).Scan(&owner); err != nil {
		return notFound(err, "document", id)
	}
	if p.FolderID != nil && *p.FolderID != nil {
		if err := folderOwnedBy(ctx, tx, **p.FolderID, owner); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET `+strings.Join(sets, ", ")+` WHERE id = ?`,
		append(args, id)...); err != nil {
		return classify(err)
	}
	if p.ExtractedText != nil {
		return saveText(ctx, tx, id, *p.ExtractedText)
	}
	return nil
}

// DeleteDocument removes one of userID's documents; its topic links go
// with it (ON DELETE CASCADE).
func (s *Store) DeleteDocument(ctx context.Context, userID, id string) error {
	n, err := s.writeCount(ctx, `DELETE FROM documents WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: delete document: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: delete document %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// documentOwnedBy checks that document id exists and is userID's
// (ErrNotFound otherwise).
func documentOwnedBy(ctx context.Context, q queryer, id, userID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE id = ? AND user_id = ?`, id, userID).Scan(&one)
	return notFound(err, "document", id)
}

// MoveDocuments puts the given documents of userID into folderID (nil: the
// root) in one transaction. An id that is not a document of userID, or a
// folder that is not the user's, gives ErrNotFound and moves nothing.
func (s *Store) MoveDocuments(ctx context.Context, userID string, ids []string, folderID *string) error {
	unique := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	if len(unique) == 0 {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if folderID != nil {
			if err := folderOwnedBy(ctx, tx, *folderID, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET folder_id = ?, updated_at = ?
			WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))`,
			folderID, s.stamp().UnixMicro(), userID, jsonList(unique))
		if err != nil {
			return classify(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if int(n) != len(unique) {
			return fmt.Errorf("%d of %d documents: %w", len(unique)-int(n), len(unique), store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: move documents: %w", err)
	}
	return nil
}
