package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// folderTreeLock is the first key of the per-user advisory lock that
// serialises changes to one user's folder tree (the second key is a hash of
// the user id), so two concurrent moves cannot together build a cycle.
const folderTreeLock int32 = 0x646f6366 // "docf"

const folderColumns = `f.id, f.user_id, f.parent_id, f.name, f.created_at`

func scanFolder(row pgx.Row) (store.Folder, error) {
	var f store.Folder
	if err := row.Scan(&f.ID, &f.UserID, &f.ParentID, &f.Name, &f.CreatedAt); err != nil {
		return store.Folder{}, err
	}
	f.CreatedAt = f.CreatedAt.UTC()
	return f, nil
}

// lockFolderTree takes the transaction-level lock on userID's folder tree.
func lockFolderTree(ctx context.Context, tx pgx.Tx, userID string) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", folderTreeLock, userID)
	return err
}

// CreateFolder inserts f (an empty ID gets a fresh UUID, a zero CreatedAt is
// now) and writes back what was stored. The parent, when set, must be one of
// the user's folders (store.ErrNotFound).
func (s *Store) CreateFolder(ctx context.Context, f *store.Folder) error {
	const op = "create folder"
	if err := store.CheckName(f.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, err := newID(op, f.ID)
	if err != nil {
		return err
	}
	userID, ok := parseID(f.UserID)
	if !ok {
		return notFound(op + ": user")
	}
	var parent *string
	if f.ParentID != nil {
		p, ok := parseID(*f.ParentID)
		if !ok {
			return notFound(op + ": parent")
		}
		parent = &p
	}
	created := s.timestamp(f.CreatedAt)
	_, err = s.pool.Exec(ctx, `INSERT INTO folders (id, user_id, parent_id, name, name_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, userID, parent, f.Name, store.FoldKey(f.Name), created)
	if err != nil {
		return wrap(op, err)
	}
	f.ID, f.UserID, f.ParentID, f.CreatedAt = id, userID, parent, created
	return nil
}

// Folder returns one of userID's folders.
func (s *Store) Folder(ctx context.Context, userID, id string) (store.Folder, error) {
	const op = "get folder"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return store.Folder{}, notFound(op)
	}
	f, err := scanFolder(s.pool.QueryRow(ctx,
		"SELECT "+folderColumns+" FROM folders f WHERE f.id = $1 AND f.user_id = $2", canon, user))
	if err != nil {
		return store.Folder{}, wrap(op, err)
	}
	return f, nil
}

// Folders lists all of a user's folders ordered by name (case-insensitively,
// then exactly, then by id).
func (s *Store) Folders(ctx context.Context, userID string) ([]store.Folder, error) {
	const op = "list folders"
	folders := []store.Folder{}
	user, ok := parseID(userID)
	if !ok {
		return folders, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT "+folderColumns+
		` FROM folders f WHERE f.user_id = $1 ORDER BY f.name_key, f.name COLLATE "C", f.id`, user)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFolder(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		folders = append(folders, f)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return folders, nil
}

// UpdateFolder saves name and parent. The parent must be one of the user's
// folders (store.ErrNotFound); making a folder its own ancestor gives
// store.ErrConflict. The folder must be f.UserID's (store.ErrNotFound).
func (s *Store) UpdateFolder(ctx context.Context, f store.Folder) error {
	const op = "update folder"
	if err := store.CheckName(f.Name); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	id, ok1 := parseID(f.ID)
	owner, ok2 := parseID(f.UserID)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	var parent *string
	if f.ParentID != nil {
		p, ok := parseID(*f.ParentID)
		if !ok {
			return notFound(op + ": parent")
		}
		parent = &p
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var userID string
		if err := tx.QueryRow(ctx, "SELECT user_id FROM folders WHERE id = $1 AND user_id = $2",
			id, owner).Scan(&userID); err != nil {
			return err
		}
		if err := lockFolderTree(ctx, tx, userID); err != nil {
			return err
		}
		// The tree lock keeps the walk's view of the tree until commit.
		parentOf := func(id string) (*string, error) {
			var parent *string
			err := tx.QueryRow(ctx, "SELECT parent_id FROM folders WHERE id = $1", id).Scan(&parent)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, nil
			}
			return parent, err
		}
		if err := store.CheckFolderMove(id, parent, parentOf); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, "UPDATE folders SET name = $2, name_key = $3, parent_id = $4 WHERE id = $1",
			id, f.Name, store.FoldKey(f.Name), parent)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	return wrap(op, err)
}

// DeleteFolder removes a folder. With moveToParent false a folder that holds
// documents or subfolders gives store.ErrConflict; with it true they move to
// the folder's parent (the root when it has none), all in one transaction.
// The folder must be userID's (store.ErrNotFound).
func (s *Store) DeleteFolder(ctx context.Context, owner, id string, moveToParent bool) error {
	const op = "delete folder"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(owner)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var userID string
		if err := tx.QueryRow(ctx, "SELECT user_id FROM folders WHERE id = $1 AND user_id = $2",
			canon, user).Scan(&userID); err != nil {
			return err
		}
		if err := lockFolderTree(ctx, tx, userID); err != nil {
			return err
		}
		var parent *string
		if err := tx.QueryRow(ctx, "SELECT parent_id FROM folders WHERE id = $1 FOR UPDATE", canon).Scan(&parent); err != nil {
			return err // deleted meanwhile: ErrNoRows
		}
		if moveToParent {
			now := s.timestamp(s.now())
			if _, err := tx.Exec(ctx, "UPDATE documents SET folder_id = $2, updated_at = $3 WHERE folder_id = $1",
				canon, parent, now); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE folders SET parent_id = $2 WHERE parent_id = $1", canon, parent); err != nil {
				return err
			}
		} else {
			var busy bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM documents WHERE folder_id = $1)
				OR EXISTS (SELECT 1 FROM folders WHERE parent_id = $1)`, canon).Scan(&busy); err != nil {
				return err
			}
			if busy {
				return fmt.Errorf("folder is not empty: %w", store.ErrConflict)
			}
		}
		_, err := tx.Exec(ctx, "DELETE FROM folders WHERE id = $1", canon)
		if isPgCode(err, codeForeignKeyViolation) {
			// A document or folder was put into it after the check above.
			return fmt.Errorf("folder is not empty: %w: %w", store.ErrConflict, err)
		}
		return err
	})
	return wrap(op, err)
}

// FolderDocumentCount counts the documents directly in one of userID's
// folders.
func (s *Store) FolderDocumentCount(ctx context.Context, userID, id string) (int, error) {
	const op = "count folder documents"
	canon, ok1 := parseID(id)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return 0, notFound(op)
	}
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM documents WHERE folder_id = f.id)
		FROM folders f WHERE f.id = $1 AND f.user_id = $2`, canon, user).Scan(&n)
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}
