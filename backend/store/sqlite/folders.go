package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// folderColumns are the columns scanFolder reads, in order.
const folderColumns = `id, user_id, parent_id, name, created_at`

// scanFolder reads folderColumns.
func scanFolder(sc rowScanner) (store.Folder, error) {
	var f store.Folder
	var parent sql.NullString
	var created int64
	if err := sc.Scan(&f.ID, &f.UserID, &parent, &f.Name, &created); err != nil {
		return store.Folder{}, err
	}
	if parent.Valid {
		f.ParentID = &parent.String
	}
	f.CreatedAt = fromMicros(created)
	return f, nil
}

// folderOwnedBy checks that folder id exists and belongs to userID; a
// folder of another user is as good as missing.
func folderOwnedBy(ctx context.Context, q queryer, id, userID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM folders WHERE id = ? AND user_id = ?`, id, userID).Scan(&one)
	return notFound(err, "folder", id)
}

// ignoreNoRows is err, or nil when it is sql.ErrNoRows.
func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// CreateFolder inserts f. The parent, when set, must be a folder of the
// same user (ErrNotFound otherwise). ID defaults to a new UUID and
// CreatedAt to now; both are written back to f.
func (s *Store) CreateFolder(ctx context.Context, f *store.Folder) error {
	if err := store.CheckName(f.Name); err != nil {
		return fmt.Errorf("sqlite: create folder: %w", err)
	}
	if f.ID == "" {
		f.ID = uuid.NewString()
	}
	created := orNow(f.CreatedAt, s.stamp())
	err := s.write(ctx, func(tx *sql.Tx) error {
		if f.ParentID != nil {
			if err := folderOwnedBy(ctx, tx, *f.ParentID, f.UserID); err != nil {
				return fmt.Errorf("parent %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO folders (id, user_id, parent_id, name, name_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			f.ID, f.UserID, f.ParentID, f.Name, store.FoldKey(f.Name), created.UnixMicro())
		return classify(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create folder %q: %w", f.Name, err)
	}
	f.CreatedAt = created
	return nil
}

// Folder returns one of userID's folders.
func (s *Store) Folder(ctx context.Context, userID, id string) (store.Folder, error) {
	f, err := scanFolder(s.r.QueryRowContext(ctx,
		`SELECT `+folderColumns+` FROM folders WHERE id = ? AND user_id = ?`, id, userID))
	if err != nil {
		return store.Folder{}, fmt.Errorf("sqlite: %w", notFound(err, "folder", id))
	}
	return f, nil
}

// Folders lists all of a user's folders by folded name.
func (s *Store) Folders(ctx context.Context, userID string) ([]store.Folder, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT `+folderColumns+` FROM folders WHERE user_id = ? ORDER BY name_key, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: folders: %w", err)
	}
	defer rows.Close()
	folders := []store.Folder{}
	for rows.Next() {
		f, err := scanFolder(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: folders: %w", err)
		}
		folders = append(folders, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: folders: %w", err)
	}
	return folders, nil
}

// UpdateFolder saves name and parent. The new parent must be a folder of
// the same user (ErrNotFound) and neither the folder itself nor one of its
// descendants (ErrConflict). The folder must be f.UserID's (ErrNotFound).
func (s *Store) UpdateFolder(ctx context.Context, f store.Folder) error {
	if err := store.CheckName(f.Name); err != nil {
		return fmt.Errorf("sqlite: update folder: %w", err)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := folderOwnedBy(ctx, tx, f.ID, f.UserID); err != nil {
			return err
		}
		if f.ParentID != nil {
			if err := folderOwnedBy(ctx, tx, *f.ParentID, f.UserID); err != nil {
				return fmt.Errorf("parent %w", err)
			}
			parentOf := func(id string) (*string, error) {
				var parent sql.NullString
				err := tx.QueryRowContext(ctx, `SELECT parent_id FROM folders WHERE id = ?`, id).Scan(&parent)
				if err != nil || !parent.Valid {
					return nil, ignoreNoRows(err)
				}
				return &parent.String, nil
			}
			if err := store.CheckFolderMove(f.ID, f.ParentID, parentOf); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE folders SET name = ?, name_key = ?, parent_id = ? WHERE id = ?`,
			f.Name, store.FoldKey(f.Name), f.ParentID, f.ID)
		return classify(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: update folder: %w", err)
	}
	return nil
}

// DeleteFolder removes a folder. With moveToParent false a folder that
// holds documents or subfolders gives ErrConflict; with it true they move
// to its parent (or the root) first, in the same transaction. The folder
// must be userID's (ErrNotFound).
func (s *Store) DeleteFolder(ctx context.Context, userID, id string, moveToParent bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var parent sql.NullString
		var docs, subs int
		err := tx.QueryRowContext(ctx, `SELECT parent_id, document_count,
				(SELECT count(*) FROM folders WHERE parent_id = f.id)
			FROM folders f WHERE id = ? AND user_id = ?`, id, userID).Scan(&parent, &docs, &subs)
		if err != nil {
			return notFound(err, "folder", id)
		}
		if docs+subs > 0 {
			if !moveToParent {
				return fmt.Errorf("folder %q holds %d documents and %d folders: %w", id, docs, subs, store.ErrConflict)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE documents SET folder_id = ?, updated_at = ? WHERE folder_id = ?`,
				parent, s.stamp().UnixMicro(), id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE folders SET parent_id = ? WHERE parent_id = ?`, parent, id); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM folders WHERE id = ?`, id)
		return classify(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete folder: %w", err)
	}
	return nil
}

// FolderDocumentCount counts the documents directly in a folder (the count
// the documents_count_* triggers keep); the folder must be userID's.
func (s *Store) FolderDocumentCount(ctx context.Context, userID, id string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT document_count FROM folders WHERE id = ? AND user_id = ?`,
		id, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: %w", notFound(err, "folder", id))
	}
	return n, nil
}
