package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// getSettings returns the settings; the library masks the API key.
func (s *server) getSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.lib.Settings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// putSettings saves the whole settings object. Sending the masked key back
// keeps the stored key; "" removes it.
func (s *server) putSettings(w http.ResponseWriter, r *http.Request) {
	var in library.Settings
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.lib.SaveSettings(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}
