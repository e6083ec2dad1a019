package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// getSettings returns the settings; the library masks the API key.
func (s *server) getSettings(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	st, err := lib.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// putSettings replaces every setting: a body that leaves any out is
// refused (400 naming them), so nothing is zeroed by omission. Sending the
// masked key back keeps the stored key; "" removes it.
func (s *server) putSettings(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in library.SettingsPatch
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := lib.ReplaceSettings(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// patchSettings changes only the settings in the body and keeps the
// others.
func (s *server) patchSettings(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in library.SettingsPatch
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := lib.UpdateSettings(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
