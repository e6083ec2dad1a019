package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// listViews lists the saved views, each with the number of documents its
// search finds.
func (s *server) listViews(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	vs, err := lib.Views(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if vs == nil {
		vs = []library.View{}
	}
	writeJSON(w, http.StatusOK, vs)
}

// createView saves a named search (201); a name in use is a conflict (409).
func (s *server) createView(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in library.ViewInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := lib.CreateView(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, v)
}

// patchView renames a view or changes its query, order or filters.
func (s *server) patchView(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var p library.ViewPatch
	if err := decodeJSON(w, r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := lib.UpdateView(r.Context(), r.PathValue("id"), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// deleteView removes a saved view.
func (s *server) deleteView(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	if err := lib.DeleteView(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
