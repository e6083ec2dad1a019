package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// shareInput is the body of POST /api/shares: share the topic or folder
// Target (a name or an id) with the user called With, read-only unless
// Write.
type shareInput struct {
	Kind   string `json:"kind"` // "topic" or "folder"
	Target string `json:"target"`
	With   string `json:"with"`
	Write  bool   `json:"write"`
}

// listShares lists the shares the user gave and received.
func (s *server) listShares(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	ss, err := lib.Shares(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ss)
}

// createShare shares a topic or folder (201); sharing again changes the
// permission.
func (s *server) createShare(w http.ResponseWriter, r *http.Request) {
	var in shareInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var (
		sh  library.Share
		err error
	)
	switch in.Kind {
	case "topic":
		sh, err = lib.ShareTopic(r.Context(), in.Target, in.With, in.Write)
	case "folder":
		sh, err = lib.ShareFolder(r.Context(), in.Target, in.With, in.Write)
	default:
		writeErrorCode(w, http.StatusBadRequest, codeInvalid, `Share a "topic" or a "folder".`)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sh)
}

// deleteShare ends a share: the other user loses access at once (204).
func (s *server) deleteShare(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	if err := lib.Unshare(r.Context(), r.PathValue("kind"), r.PathValue("target"), r.PathValue("with")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
