package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// listTopics lists the topics with their document counts.
func (s *server) listTopics(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	ts, err := lib.Topics(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if ts == nil {
		ts = []library.Topic{}
	}
	writeJSON(w, http.StatusOK, ts)
}

// createTopic creates a topic (201). As in the library, a name that exists
// already (ignoring case) answers that topic, unchanged, with 200.
func (s *server) createTopic(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in library.TopicInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	if _, err := lib.TopicByName(r.Context(), in.Name); err == nil {
		status = http.StatusOK
	}
	t, err := lib.CreateTopic(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, t)
}

// patchTopic renames, recolours or redescribes a topic.
func (s *server) patchTopic(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var p library.TopicPatch
	if err := decodeJSON(w, r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := lib.UpdateTopic(r.Context(), r.PathValue("id"), p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// deleteTopic removes a topic (its documents keep existing).
func (s *server) deleteTopic(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	if err := lib.DeleteTopic(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
