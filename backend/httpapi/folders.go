package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/docsift/docsift/backend/library"
)

// listFolders lists every folder (the client builds the tree).
func (s *server) listFolders(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	fs, err := lib.Folders(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if fs == nil {
		fs = []library.Folder{}
	}
	writeJSON(w, http.StatusOK, fs)
}

// createFolder creates {"name", "parent_id"?}.
func (s *server) createFolder(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in struct {
		Name     string  `json:"name"`
		ParentID *string `json:"parent_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := lib.CreateFolder(r.Context(), in.Name, in.ParentID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, f)
}

// patchFolder renames ({"name"}) and/or moves ({"parent_id": id|null}).
func (s *server) patchFolder(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var in struct {
		Name     *string         `json:"name"`
		ParentID json.RawMessage `json:"parent_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	f, err := lib.Folder(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.ParentID != nil {
		parent, err := nullableID(in.ParentID, "parent_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if f, err = lib.MoveFolder(ctx, id, parent); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if in.Name != nil {
		if f, err = lib.RenameFolder(ctx, id, *in.Name); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, f)
}

// deleteFolder removes an empty folder, or with ?move_to_parent=true moves
// its contents up first.
func (s *server) deleteFolder(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	move := false
	if v := r.URL.Query().Get("move_to_parent"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.writeError(w, r, invalidError("move_to_parent must be true or false"))
			return
		}
		move = b
	}
	if err := lib.DeleteFolder(r.Context(), r.PathValue("id"), move); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
