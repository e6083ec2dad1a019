package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// acceptSuggestion confirms a suggested topic; the document comes back.
func (s *server) acceptSuggestion(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	d, err := lib.AcceptSuggestion(r.Context(), r.PathValue("id"), r.PathValue("topic"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// rejectSuggestion refuses a suggested topic; the document comes back.
func (s *server) rejectSuggestion(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	d, err := lib.RejectSuggestion(r.Context(), r.PathValue("id"), r.PathValue("topic"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// classifyDocument queues one document for classification again.
func (s *server) classifyDocument(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	d, err := lib.Reclassify(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}

// classifyAll queues every ready document for classification.
func (s *server) classifyAll(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	n, err := lib.ReclassifyAll(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
}

// classifierStats returns how the classifier is doing on this library.
func (s *server) classifierStats(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	st, err := lib.ClassifierStats(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// retryBody is POST /api/classify/unclassified's body: the documents to
// classify again; none (or no body) means every unclassified document.
type retryBody struct {
	IDs []string `json:"ids"`
}

// classifyUnclassified queues documents the classifier could not sort
// for classification again ("Classify again").
func (s *server) classifyUnclassified(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in retryBody
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil && !errors.Is(err, io.EOF) {
			s.writeError(w, r, err)
			return
		}
	}
	n, err := lib.ReclassifyUnclassified(r.Context(), in.IDs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
}

// testSettings runs the AI provider's health check: of the saved settings
// with the changes in the body (the form being edited; a masked key means
// the stored one), or of the saved settings when the body is empty.
func (s *server) testSettings(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in *library.SettingsPatch
	if r.ContentLength != 0 {
		var body library.SettingsPatch
		if err := decodeJSON(w, r, &body); err != nil && !errors.Is(err, io.EOF) {
			s.writeError(w, r, err)
			return
		}
		in = &body
	}
	if err := lib.TestConnection(r.Context(), in); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}
