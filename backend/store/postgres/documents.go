package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// documentColumns are selected, in this order, by scanDocument; alias d.
// extracted_text is last so listings can leave it out.
const documentColumns = `d.id, d.user_id, d.folder_id, d.filename, d.object_key, d.content_type,
	d.size_bytes, d.sha256, d.storage_backend, d.page_count, d.language, d.status, d.error,
	d.created_at, d.updated_at`

// documentColumnsFull adds the extracted text.
const documentColumnsFull = documentColumns + `, d.extracted_text`

// scanDocument reads documentColumns (and the extracted text when withText),
// followed by any extra destinations.
func scanDocument(row pgx.Row, withText bool, extra ...any) (store.Document, error) {
	var (
		d        store.Document
		filename []byte
		status   string
	)
	dest := []any{&d.ID, &d.UserID, &d.FolderID, &filename, &d.ObjectKey, &d.ContentType,
		&d.SizeBytes, &d.SHA256, &d.StorageBackend, &d.PageCount, &d.Language, &status, &d.Error,
		&d.CreatedAt, &d.UpdatedAt}
	if withText {
		dest = append(dest, &d.ExtractedText)
	}
	dest = append(dest, extra...)
	if err := row.Scan(dest...); err != nil {
		return store.Document{}, err
	}
	d.Filename = string(filename)
	d.Status = store.Status(status)
	d.CreatedAt = d.CreatedAt.UTC()
	d.UpdatedAt = d.UpdatedAt.UTC()
	d.Topics = []store.DocumentTopic{}
	return d, nil
}

// CreateDocument inserts d. ID, UserID, ObjectKey, SHA256 and the rest are
// the caller's; an empty ID gets a fresh UUID, an empty Status is
// StatusStored, zero times are now. On success d holds what was stored
// (canonical ids, UTC times truncated to microseconds). Another document of
// the same user with the same SHA256 gives store.ErrConflict; a missing user
// or folder gives store.ErrNotFound.
//
// jobs, when given, are enqueued in the same transaction (their DocumentID
// defaults to the new document's): either the document and its jobs exist,
// or none of them.
func (s *Store) CreateDocument(ctx context.Context, d *store.Document, jobs ...store.Job) error {
	return s.CreateDocuments(ctx, []store.NewDocument{{Document: d, Jobs: jobs}})
}

// newDocument is one document of CreateDocuments with its values checked
// and defaulted.
type newDocument struct {
	d                *store.Document
	id, userID       string
	folderID         *string
	status           store.Status
	text, errText    string
	created, updated time.Time
	jobs             []store.Job
}

// prepareDocument checks and defaults one new document and its jobs.
func (s *Store) prepareDocument(op string, d *store.Document, jobs []store.Job, now time.Time) (newDocument, error) {
	id, err := newID(op, d.ID)
	if err != nil {
		return newDocument{}, err
	}
	userID, ok := parseID(d.UserID)
	if !ok {
		return newDocument{}, notFound(op + ": user")
	}
	var folderID *string
	if d.FolderID != nil {
		f, ok := parseID(*d.FolderID)
		if !ok {
			return newDocument{}, notFound(op + ": folder")
		}
		folderID = &f
	}
	status, err := store.NewStatus(d.Status)
	if err != nil {
		return newDocument{}, fmt.Errorf("postgres: %s: %w", op, err)
	}
	p := newDocument{d: d, id: id, userID: userID, folderID: folderID, status: status,
		text: cleanText(d.ExtractedText), errText: cleanText(d.Error), created: now, updated: now}
	if !d.CreatedAt.IsZero() {
		p.created = s.timestamp(d.CreatedAt)
	}
	if !d.UpdatedAt.IsZero() {
		p.updated = s.timestamp(d.UpdatedAt)
	}
	p.jobs = make([]store.Job, len(jobs))
	for i, j := range jobs {
		if j.DocumentID == "" {
			j.DocumentID = id
		}
		j.UserID = userID // a job of another user's document is refused
		if p.jobs[i], err = s.prepareJob(op, j); err != nil {
			return newDocument{}, err
		}
	}
	return p, nil
}

// insert writes the document's row and its jobs through q.
func (p *newDocument) insert(ctx context.Context, q dbtx) error {
	d := p.d
	if _, err := q.Exec(ctx, `INSERT INTO documents (id, user_id, folder_id, filename,
		filename_key, object_key, content_type, size_bytes, sha256, storage_backend,
		extracted_text, page_count, language, status, error, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		p.id, p.userID, p.folderID, []byte(d.Filename), store.FoldKey(d.Filename), d.ObjectKey,
		d.ContentType, d.SizeBytes, d.SHA256, d.StorageBackend, p.text, d.PageCount, cleanText(d.Language),
		string(p.status), p.errText, p.created, p.updated); err != nil {
		return err
	}
	for i := range p.jobs {
		if err := insertJob(ctx, q, &p.jobs[i]); err != nil {
			return fmt.Errorf("enqueue %s job: %w", p.jobs[i].Kind, err)
		}
	}
	return nil
}

// CreateDocuments inserts every document with its jobs in one transaction
// (one commit for the lot): all of them or none. A single document without
// jobs is one statement, as before.
func (s *Store) CreateDocuments(ctx context.Context, docs []store.NewDocument) error {
	const op = "create document"
	if len(docs) == 0 {
		return nil
	}
	now := s.timestamp(s.now())
	prepared := make([]newDocument, len(docs))
	for i, nd := range docs {
		p, err := s.prepareDocument(op, nd.Document, nd.Jobs, now)
		if err != nil {
			return err
		}
		prepared[i] = p
	}
	var err error
	if len(prepared) == 1 && len(prepared[0].jobs) == 0 {
		err = prepared[0].insert(ctx, s.pool)
	} else {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for i := range prepared {
				if err := prepared[i].insert(ctx, tx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return wrap(op, err)
	}
	for _, p := range prepared {
		d := p.d
		d.ID, d.UserID, d.FolderID = p.id, p.userID, p.folderID
		d.Status, d.ExtractedText, d.Error = p.status, p.text, p.errText
		d.CreatedAt, d.UpdatedAt = p.created, p.updated
		d.Topics = []store.DocumentTopic{} // links are made by SetDocumentTopics
	}
	return nil
}

// Document returns one of userID's documents with its topics and
// extracted text.
func (s *Store) Document(ctx context.Context, userID, id string) (store.Document, error) {
	const op = "get document"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return store.Document{}, notFound(op)
	}
	d, err := s.documentWhere(ctx, op, "d.id = $1 AND d.user_id = $2", canon, user)
	if err != nil {
		return store.Document{}, err
	}
	d.Suggestions, d.Classification, err = loadSuggestions(ctx, s.pool, canon)
	if err != nil {
		return store.Document{}, wrap(op, err)
	}
	return d, nil
}

// DocumentBySHA256 finds a user's document by content hash.
func (s *Store) DocumentBySHA256(ctx context.Context, userID, sha256 string) (store.Document, error) {
	const op = "get document by sha256"
	canon, ok := parseID(userID)
	if !ok {
		return store.Document{}, notFound(op)
	}
	return s.documentWhere(ctx, op, "d.user_id = $1 AND d.sha256 = $2", canon, sha256)
}

// documentWhere loads the one full document matching where, with topics.
func (s *Store) documentWhere(ctx context.Context, op, where string, args ...any) (store.Document, error) {
	row := s.pool.QueryRow(ctx, "SELECT "+documentColumnsFull+" FROM documents d WHERE "+where, args...)
	d, err := scanDocument(row, true)
	if err != nil {
		return store.Document{}, wrap(op, err)
	}
	docs := []store.Document{d}
	if err := loadTopics(ctx, s.pool, docs); err != nil {
		return store.Document{}, wrap(op, err)
	}
	return docs[0], nil
}

// UpdateDocument applies p, sets UpdatedAt to now and returns the updated
// document. A FolderID that is not one of the user's folders gives
// store.ErrNotFound.
// The document must be userID's (store.ErrNotFound).
func (s *Store) UpdateDocument(ctx context.Context, userID, id string, p store.DocumentPatch) (store.Document, error) {
	const op = "update document"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return store.Document{}, notFound(op)
	}
	d, err := s.updateDocument(ctx, s.pool, user, canon, p)
	if err != nil {
		return store.Document{}, wrap(op, err)
	}
	docs := []store.Document{d}
	if err := loadTopics(ctx, s.pool, docs); err != nil {
		return store.Document{}, wrap(op, err)
	}
	return docs[0], nil
}

// updateDocument applies p to the document with the canonical id through q
// (the pool, or a transaction such as FinishJob's) and returns the updated
// document without its topics. A missing document, or one that is not
// user's when user is not empty (a worker's patch names no user), is
// pgx.ErrNoRows.
func (s *Store) updateDocument(ctx context.Context, q dbtx, user, id string, p store.DocumentPatch) (store.Document, error) {
	var owner *string
	if user != "" {
		owner = &user
	}
	args := []any{id, s.timestamp(s.now()), owner}
	sets := []string{"updated_at = $2"}
	set := func(column string, v any) {
		args = append(args, v)
		sets = append(sets, column+" = $"+strconv.Itoa(len(args)))
	}
	if p.Filename != nil {
		set("filename", []byte(*p.Filename))
		set("filename_key", store.FoldKey(*p.Filename))
	}
	if p.FolderID != nil {
		if *p.FolderID == nil {
			sets = append(sets, "folder_id = NULL")
		} else {
			f, ok := parseID(**p.FolderID)
			if !ok {
				return store.Document{}, fmt.Errorf("folder: %w", store.ErrNotFound)
			}
			set("folder_id", f)
		}
	}
	if err := p.Check(); err != nil {
		return store.Document{}, err
	}
	if p.Status != nil {
		set("status", string(*p.Status))
	}
	if p.Error != nil {
		set("error", cleanText(*p.Error))
	}
	if p.ExtractedText != nil {
		set("extracted_text", cleanText(*p.ExtractedText))
	}
	if p.PageCount != nil {
		set("page_count", *p.PageCount)
	}
	if p.Language != nil {
		set("language", cleanText(*p.Language))
	}
	row := q.QueryRow(ctx, "UPDATE documents AS d SET "+strings.Join(sets, ", ")+
		" WHERE d.id = $1 AND ($3::uuid IS NULL OR d.user_id = $3::uuid) RETURNING "+documentColumnsFull, args...)
	return scanDocument(row, true)
}

// DeleteDocument removes one of userID's documents and, by cascade, its
// topic links, jobs and search entry.
func (s *Store) DeleteDocument(ctx context.Context, userID, id string) error {
	const op = "delete document"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	// Lock the document, then its topics in id order, before the cascade
	// touches links, counts and the search row: the order every writer
	// follows (see SetDocumentTopics), so a concurrent topic deletion or
	// rename queues instead of deadlocking.
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM documents WHERE id = $1 AND user_id = $2 FOR UPDATE",
			canon, user).Scan(&one); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM topics WHERE id IN (
				SELECT topic_id FROM document_topics WHERE document_id = $1)
			ORDER BY id FOR NO KEY UPDATE`, canon); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM documents WHERE id = $1", canon)
		return err
	})
	return wrap(op, err)
}

// MoveDocuments puts the given documents of userID into folderID (nil: the
// root) in one statement: an id that is not one of the user's documents, or
// a folder that is not the user's, gives store.ErrNotFound and nothing
// moves.
func (s *Store) MoveDocuments(ctx context.Context, userID string, ids []string, folderID *string) error {
	const op = "move documents"
	if len(ids) == 0 {
		return nil
	}
	user, ok := parseID(userID)
	if !ok {
		return notFound(op)
	}
	seen := make(map[string]bool, len(ids))
	canon := make([]string, 0, len(ids))
	for _, id := range ids {
		c, ok := parseID(id)
		if !ok {
			return notFound(op)
		}
		if !seen[c] {
			seen[c] = true
			canon = append(canon, c)
		}
	}
	var folder *string
	if folderID != nil {
		f, ok := parseID(*folderID)
		if !ok {
			return notFound(op + ": folder")
		}
		folder = &f
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE documents SET folder_id = $1, updated_at = $2
			WHERE user_id = $3 AND id = ANY($4::uuid[])`,
			folder, s.timestamp(s.now()), user, canon)
		if err != nil {
			return err
		}
		if n := int(tag.RowsAffected()); n != len(canon) {
			// Returning an error rolls the transaction back.
			return fmt.Errorf("%d of %d documents: %w", len(canon)-n, len(canon), store.ErrNotFound)
		}
		return nil
	})
	return wrap(op, err)
}
