package library

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// Folders lists all of the user's folders (a flat list; ParentID links
// them into a tree).
func (l *Library) Folders(ctx context.Context) ([]Folder, error) {
	fs, err := l.store.Folders(ctx, l.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	out := make([]Folder, len(fs))
	for i, f := range fs {
		out[i] = folderOut(f)
	}
	shared, err := l.sharedFolders(ctx)
	if err != nil {
		return nil, fmt.Errorf("list shared folders: %w", err)
	}
	return append(out, shared...), nil
}

// Folder returns one folder.
func (l *Library) Folder(ctx context.Context, id string) (Folder, error) {
	f, err := l.folder(ctx, id)
	return folderOut(f), err
}

// folder returns the user's stored folder id (ErrNotFound when it is
// missing or another user's).
func (l *Library) folder(ctx context.Context, id string) (store.Folder, error) {
	f, err := l.store.Folder(ctx, l.user.ID, id)
	if err != nil {
		return store.Folder{}, fmt.Errorf("folder %s: %w", id, err)
	}
	if f.UserID != l.user.ID {
		return store.Folder{}, fmt.Errorf("folder %s: %w", id, ErrNotFound)
	}
	return f, nil
}

// CreateFolder creates a folder under parentID (nil: at the top).
func (l *Library) CreateFolder(ctx context.Context, name string, parentID *string) (Folder, error) {
	name, err := naming.FolderName(name)
	if err != nil {
		return Folder{}, err
	}
	if parentID != nil {
		if _, err := l.Folder(ctx, *parentID); err != nil {
			return Folder{}, err
		}
	}
	f := store.Folder{ID: uuid.NewString(), UserID: l.user.ID, ParentID: parentID, Name: name}
	if err := l.store.CreateFolder(ctx, &f); err != nil {
		return Folder{}, fmt.Errorf("create folder: %w", err)
	}
	return folderOut(f), nil
}

// RenameFolder changes a folder's name.
func (l *Library) RenameFolder(ctx context.Context, id, name string) (Folder, error) {
	name, err := naming.FolderName(name)
	if err != nil {
		return Folder{}, err
	}
	f, err := l.folder(ctx, id)
	if err != nil {
		return Folder{}, err
	}
	f.Name = name
	if err := l.store.UpdateFolder(ctx, f); err != nil {
		return Folder{}, fmt.Errorf("rename folder: %w", err)
	}
	return folderOut(f), nil
}

// MoveFolder puts a folder under parentID (nil: at the top). Moving a
// folder into itself or one of its descendants is a conflict.
func (l *Library) MoveFolder(ctx context.Context, id string, parentID *string) (Folder, error) {
	f, err := l.folder(ctx, id)
	if err != nil {
		return Folder{}, err
	}
	if parentID != nil {
		if _, err := l.Folder(ctx, *parentID); err != nil {
			return Folder{}, err
		}
	}
	f.ParentID = parentID
	if err := l.store.UpdateFolder(ctx, f); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Folder{}, fmt.Errorf("a folder cannot be moved into itself or one of its subfolders: %w", ErrConflict)
		}
		return Folder{}, fmt.Errorf("move folder: %w", err)
	}
	return folderOut(f), nil
}

// DeleteFolder removes a folder. Unless moveToParent is set, only an empty
// folder (no documents, no subfolders) can be deleted; with it, documents
// and subfolders move to the folder's parent first.
func (l *Library) DeleteFolder(ctx context.Context, id string, moveToParent bool) error {
	if _, err := l.Folder(ctx, id); err != nil {
		return err
	}
	if err := l.store.DeleteFolder(ctx, l.user.ID, id, moveToParent); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("the folder is not empty; move its contents to the parent or empty it first: %w", ErrConflict)
		}
		return fmt.Errorf("delete folder: %w", err)
	}
	return nil
}

// MoveDocuments puts documents into a folder (nil: no folder). Either all
// move or none does.
func (l *Library) MoveDocuments(ctx context.Context, ids []string, folderID *string) error {
	if folderID != nil {
		if _, err := l.Folder(ctx, *folderID); err != nil {
			return err
		}
	}
	if err := l.store.MoveDocuments(ctx, l.user.ID, ids, folderID); err != nil {
		return fmt.Errorf("move documents: %w", err)
	}
	return nil
}

// FolderByName resolves a folder given by id or by its (unique) name.
func (l *Library) FolderByName(ctx context.Context, nameOrID string) (string, error) {
	folders, err := l.Folders(ctx)
	if err != nil {
		return "", err
	}
	var match []string
	for _, f := range folders {
		if f.ID == nameOrID {
			return f.ID, nil
		}
		if strings.EqualFold(f.Name, nameOrID) {
			match = append(match, f.ID)
		}
	}
	switch len(match) {
	case 0:
		return "", invalidf("there is no folder called %s", quoteName(nameOrID))
	case 1:
		return match[0], nil
	}
	return "", invalidf("%d folders are called %s; use the folder's id", len(match), quoteName(nameOrID))
}
