package app

import (
	"encoding/json"
	"errors"

	"github.com/docsift/docsift/backend/library"
)

// FolderPatch renames and/or moves a folder; ParentID null moves it to the
// top level, absent keeps it where it is.
type FolderPatch struct {
	Name     *string         `json:"name,omitempty"`
	ParentID json.RawMessage `json:"parent_id,omitempty"`
}

// ListFolders lists every folder; the page builds the tree (GET /api/folders).
func (a *App) ListFolders() ([]library.Folder, error) {
	fs, err := a.lib.Folders(a.ctx)
	if err != nil {
		return nil, a.fail("ListFolders", err)
	}
	if fs == nil {
		fs = []library.Folder{}
	}
	return fs, nil
}

// CreateFolder creates a folder under parentID (nil: at the top level)
// (POST /api/folders).
func (a *App) CreateFolder(name string, parentID *string) (library.Folder, error) {
	f, err := a.lib.CreateFolder(a.ctx, name, parentID)
	return f, a.fail("CreateFolder", err)
}

// UpdateFolder moves and/or renames a folder (PATCH /api/folders/{id}).
func (a *App) UpdateFolder(id string, p FolderPatch) (library.Folder, error) {
	f, err := a.lib.Folder(a.ctx, id)
	if err != nil {
		return library.Folder{}, a.fail("UpdateFolder", err)
	}
	if p.ParentID != nil {
		var parent *string
		if err := json.Unmarshal(p.ParentID, &parent); err != nil || (parent != nil && *parent == "") {
			return library.Folder{}, errors.New("The parent folder must be an id or null.")
		}
		if f, err = a.lib.MoveFolder(a.ctx, id, parent); err != nil {
			return library.Folder{}, a.fail("UpdateFolder", err)
		}
	}
	if p.Name != nil {
		if f, err = a.lib.RenameFolder(a.ctx, id, *p.Name); err != nil {
			return library.Folder{}, a.fail("UpdateFolder", err)
		}
	}
	return f, nil
}

// DeleteFolder removes an empty folder, or first moves its contents up
// when moveContentsUp is set (DELETE /api/folders/{id}?move_to_parent=).
func (a *App) DeleteFolder(id string, moveContentsUp bool) error {
	return a.fail("DeleteFolder", a.lib.DeleteFolder(a.ctx, id, moveContentsUp))
}
